import StimLearn

/// A re-identification attacker: a network trained on the training persons' real windows to say whose window
/// it sees. The last `heldOutFraction` of each person's windows (in recording order) is kept from it, so its
/// top-1 accuracy on that slice shows what it achieves on real windows it never saw. A stimulus belongs to no
/// one, so it counts as re-identified when the attacker names the person of its closest real training window.
/// Both are compared with chance (1 / persons) and with an attacker who knows only the class: the best constant
/// guess per class *on the evaluated set itself* (for each class, the person most often the true person among the
/// set's items of that class). That is an oracle, an upper bound on what knowing only the class gives; it is measured
/// on each set because stimuli's closest-window persons are distributed nothing like the training windows, so a
/// guess fitted to the training windows can fall below chance and make any attacker look good against it.
public struct ReidentificationAttack {
    public let attacker: Student
    public let persons: Int
    public let classes: Int
    /// The attacker on the held-out slice of the training persons' real windows.
    public let heldOutSlice: Result

    public struct Result: Codable, Sendable, Equatable {
        public var count: Int
        /// Share of windows whose person the attacker names first.
        public var top1: Double
        /// The class-only oracle's share on the same windows: for each class, the share of that class's windows whose
        /// person is the one most frequent among them, weighted by the class's windows.
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
        classes = training.classes
        heldOutSlice = try Self.score(attacker, inputs: slice.inputs, persons: slice.persons, classes: slice.labels)
    }

    public var chance: Double { 1 / Double(persons) }

    /// The attacker on stimuli; `closestPersons` is the person of each stimulus's closest training window.
    public func evaluate(_ stimuli: StimulusSet, closestPersons: [Int]) throws -> Result {
        guard closestPersons.count == stimuli.count, stimuli.count > 0 else {
            throw LearnError.data("\(closestPersons.count) closest persons for \(stimuli.count) stimuli")
        }
        guard stimuli.targetClasses.allSatisfy({ (0..<classes).contains($0) }) else {
            throw LearnError.data("a stimulus targets a class outside the \(classes) classes of the training windows")
        }
        return try Self.score(attacker, inputs: stimuli.inputs, persons: closestPersons, classes: stimuli.targetClasses)
    }

    private static func score(_ attacker: Student, inputs: [Float], persons: [Int], classes: [Int]) throws -> Result {
        let named = try attacker.predict(inputs)
        let hits = zip(named, persons).filter { $0 == $1 }.count
        return Result(count: persons.count, top1: Double(hits) / Double(persons.count),
                      classOnlyTop1: classOnlyOracle(classes: classes, persons: persons))
    }

    /// The best constant guess per class on these items: Σ over classes of the most frequent person's count, over
    /// all items.
    static func classOnlyOracle(classes: [Int], persons: [Int]) -> Double {
        guard !persons.isEmpty else { return 0 }
        var counts: [Int: [Int: Int]] = [:]
        for (c, person) in zip(classes, persons) { counts[c, default: [:]][person, default: 0] += 1 }
        let best = counts.values.reduce(0) { $0 + ($1.values.max() ?? 0) }
        return Double(best) / Double(persons.count)
    }
}
