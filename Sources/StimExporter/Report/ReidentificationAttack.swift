import StimLearn

/// A re-identification attacker: a network trained on the training persons' real windows to say whose window
/// it sees. The last `heldOutFraction` of each person's windows (in recording order) is kept from it, so its
/// top-1 accuracy on that slice shows what it achieves on real windows it never saw. A stimulus belongs to no
/// one, so it counts as re-identified when the attacker names the person of its closest real training window.
/// Both are compared with chance (1 / persons) and with an attacker who knows only the class (it always names
/// the person with the most training windows of that class).
public struct ReidentificationAttack {
    public let attacker: Student
    public let persons: Int
    /// For each class, the person a class-only attacker names.
    public let likeliestPerson: [Int]
    /// The attacker on the held-out slice of the training persons' real windows.
    public let heldOutSlice: Result

    public struct Result: Codable, Sendable, Equatable {
        public var count: Int
        /// Share of windows whose person the attacker names first.
        public var top1: Double
        /// The class-only attacker's share on the same windows.
        public var classOnlyTop1: Double
    }

    /// Trains the attacker (a `StudentTrainer` network of `kind`) on all but the last `heldOutFraction` of each
    /// training person's windows.
    public init(training: LabelledWindows, heldOutFraction: Double = 0.2, kind: StudentKind = .cnn,
                options: StudentTrainingOptions = StudentTrainingOptions(),
                progress: ((StudentTrainingProgress) -> Void)? = nil) throws {
        guard heldOutFraction > 0, heldOutFraction < 1 else {
            throw LearnError.parameter("the held-out fraction must lie strictly between 0 and 1, got \(heldOutFraction)")
        }
        let present = Set(training.persons)
        guard present.count >= 2 else { throw LearnError.data("re-identification needs windows of at least 2 persons") }
        var fitIndices: [Int] = [], sliceIndices: [Int] = []
        for person in present.sorted() {
            let own = training.persons.indices.filter { training.persons[$0] == person }
            let kept = Int((Double(own.count) * (1 - heldOutFraction)).rounded(.down))
            guard kept >= 1, kept < own.count else {
                throw LearnError.data("person \(training.personNames[person]) has too few windows (\(own.count)) to hold a slice out")
            }
            fitIndices += own[..<kept]
            sliceIndices += own[kept...]
        }
        let fit = training.subset(fitIndices), slice = training.subset(sliceIndices)
        let trained = try StudentTrainer(options: options).train(kind, on: try fit.personData(), progress: progress)
        attacker = try Student(body: trained.body, inputShape: training.exampleShape, classes: training.personNames.count)
        persons = present.count
        likeliestPerson = (0..<training.classes).map { c in
            var counts = [Int](repeating: 0, count: training.personNames.count)
            for (label, person) in zip(fit.labels, fit.persons) where label == c { counts[person] += 1 }
            return counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) } ?? 0
        }
        heldOutSlice = try Self.score(attacker, likeliestPerson, inputs: slice.inputs, persons: slice.persons,
                                      classes: slice.labels)
    }

    public var chance: Double { 1 / Double(persons) }

    /// The attacker on stimuli; `closestPersons` is the person of each stimulus's closest training window.
    public func evaluate(_ stimuli: StimulusSet, closestPersons: [Int]) throws -> Result {
        guard closestPersons.count == stimuli.count, stimuli.count > 0 else {
            throw LearnError.data("\(closestPersons.count) closest persons for \(stimuli.count) stimuli")
        }
        guard stimuli.targetClasses.allSatisfy({ likeliestPerson.indices.contains($0) }) else {
            throw LearnError.data("a stimulus targets a class the training windows do not have")
        }
        return try Self.score(attacker, likeliestPerson, inputs: stimuli.inputs, persons: closestPersons,
                              classes: stimuli.targetClasses)
    }

    private static func score(_ attacker: Student, _ likeliest: [Int], inputs: [Float], persons: [Int],
                              classes: [Int]) throws -> Result {
        let named = try attacker.predict(inputs)
        let hits = zip(named, persons).filter { $0 == $1 }.count
        let classHits = zip(classes, persons).filter { likeliest[$0] == $1 }.count
        return Result(count: persons.count, top1: Double(hits) / Double(persons.count),
                      classOnlyTop1: Double(classHits) / Double(persons.count))
    }
}
