import Foundation
import StimLearn

/// Runs the whole utility and privacy evaluation of an export and gathers it into an `ExportReport`.
///
/// Inputs are plain: the training records' windows (what the teacher saw), those records' membership slice (windows
/// of the same records that nothing trained on: `MembershipSlice`), the held-out records' windows (a fixed record
/// split), the teacher, the named stimulus sets (the first is the one the dataset ships) and
/// optionally the synthesizer's acceptance log. With `vaeSamples` > 0 a `VaeBaseline` trained on the training
/// windows adds a set named "VAE baseline".
public struct ExportEvaluation {
    public var utility = UtilityEvaluation()
    /// The re-identification attacker's training (a CNN over persons) and its held-out slice of each person.
    public var attackerOptions: StudentTrainingOptions = UtilityEvaluation.defaultOptions
    public var reidentificationHeldOutFraction = 0.2
    public var vae = VaeBaseline.Options()
    public var vaeSamples = 0
    public var examplesPerClass = 3

    public init() {}

    public enum Progress {
        case stage(String)
        case utility(UtilityEvaluation.Progress)
    }

    public func run(dataset: String, training: LabelledWindows, unseen: LabelledWindows, heldOut: LabelledWindows,
                    teacher: Student, stimulusSets: [(name: String, set: StimulusSet)],
                    acceptance: [AcceptanceAttempt]? = nil, progress: ((Progress) -> Void)? = nil) throws -> ExportReport {
        guard training.count > 0, heldOut.count > 0 else { throw LearnError.data("no training or no held-out windows") }
        let membership = try MembershipInference.sets(training: training, unseen: unseen)
        guard heldOut.exampleShape == training.exampleShape, heldOut.classNames == training.classNames else {
            throw LearnError.data("held-out windows of \(heldOut.exampleShape) with classes \(heldOut.classNames) do not "
                                  + "match training windows of \(training.exampleShape) with \(training.classNames)")
        }
        guard teacher.inputShape.reduce(1, *) == training.exampleSize, teacher.classes == training.classes else {
            throw LearnError.data("the teacher takes \(teacher.inputShape) with \(teacher.classes) classes; "
                                   + "the windows are \(training.exampleShape) with \(training.classes)")
        }
        guard examplesPerClass >= 0 else { throw LearnError.parameter("examples per class must be 0 or more") }
        for (name, set) in stimulusSets { try Self.check(set, name: name, against: training) }
        // Stage names are snake_case: they are the JSON keys of `seconds` too.
        var seconds: [String: Double] = [:]
        func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
            progress?(.stage(stage))
            let start = Date()
            defer { seconds[stage] = Date().timeIntervalSince(start) }
            return try body()
        }
        var sets = stimulusSets
        if vaeSamples > 0 {
            let baseline = try VaeBaseline(exampleShape: training.exampleShape, options: vae)
            try timed("vae_baseline") { try baseline.train(on: training) }
            sets.append((name: "VAE baseline", set: try baseline.sample(vaeSamples, teacher: teacher)))
        }
        guard !sets.isEmpty else { throw LearnError.data("no stimulus set to evaluate") }

        let (teacherScores, teacherPerRecord) = UtilityEvaluation.score([try teacher.predict(heldOut.inputs)], on: heldOut)
        let students = try timed("students") {
            try utility.evaluate(training: training, unseen: unseen, heldOut: heldOut, stimulusSets: sets,
                                 progress: progress.map { report in { report(.utility($0)) } })
        }
        let attack = try timed("reidentification_attacker") {
            try ReidentificationAttack(training: training, heldOutFraction: reidentificationHeldOutFraction,
                                       options: attackerOptions)
        }
        var reidentified: [ExportReport.NamedReidentification] = []
        var closest: [ExportReport.NamedClosestRecord] = []
        try timed("closest_records") {
            let distances = try ClosestRecordDistance(references: training.inputs, exampleSize: training.exampleSize)
            let heldOutDistances = try distances.nearest(heldOut.inputs).distances
            for (name, set) in sets {
                let (indices, stimulusDistances) = try distances.nearest(set.inputs)
                closest.append(.init(set: name, summary: try ClosestRecordSummary(stimulusDistances: stimulusDistances,
                                                                                   heldOutDistances: heldOutDistances)))
                reidentified.append(.init(set: name, result: try attack.evaluate(set, closestPersons: indices.map { training.persons[$0] })))
            }
        }
        let trainingRecords = Set(training.persons).sorted().map { training.personNames[$0] }
        let heldOutRecords = Set(heldOut.persons).sorted().map { heldOut.personNames[$0] }
        return ExportReport(
            dataset: dataset, classNames: training.classNames,
            evaluation: "fixed record split: trained on \(trainingRecords.count) records, tested on "
                + "\(heldOutRecords.count) held-out records (\(heldOutRecords.joined(separator: ", ")))",
            trainingRecords: trainingRecords, heldOutRecords: heldOutRecords,
            stimulusSets: sets.map { named in
                .init(name: named.name, count: named.set.count,
                      perClass: (0..<named.set.classes).map { c in named.set.targetClasses.filter { $0 == c }.count })
            },
            utility: .init(teacher: teacherScores, teacherPerRecord: teacherPerRecord, students: students),
            privacy: .init(reidentification: .init(persons: attack.persons, chance: attack.chance,
                                                   heldOutFraction: reidentificationHeldOutFraction,
                                                   heldOutSlice: attack.heldOutSlice, stimulusSets: reidentified),
                           closestRecord: closest, membership: Self.design(membership)),
            acceptance: try acceptance.map { try AcceptanceSummary($0) },
            examples: examples(training: training, sets: sets),
            seconds: seconds)
    }

    private static func design(_ sets: (members: LabelledWindows, nonMembers: LabelledWindows)) -> ExportReport.MembershipDesign {
        let records = Set(sets.nonMembers.persons).sorted().map { sets.nonMembers.personNames[$0] }
        let block = MembershipSlice.blockWindows
        return .init(records: records, members: sets.members.count, nonMembers: sets.nonMembers.count, blockWindows: block,
                     description: "members: the \(sets.members.count) windows of the training records "
                        + "\(records.joined(separator: ", ")) that the teacher and the real-window students trained on; "
                        + "non-members: the \(sets.nonMembers.count) windows of the same records' membership slice (blocks "
                        + "of \(block) consecutive windows spread over each night), which no model trained on")
    }

    /// A set whose arrays do not describe the same stimuli of the windows' shape and classes.
    private static func check(_ set: StimulusSet, name: String, against windows: LabelledWindows) throws {
        guard set.exampleShape == windows.exampleShape, set.classes == windows.classes, set.count > 0,
              set.inputs.count == set.count * windows.exampleSize, set.softLabels.count == set.count * set.classes,
              set.targetClasses.allSatisfy({ (0..<set.classes).contains($0) }) else {
            throw LearnError.data("stimulus set \(name): \(set.count) target classes, \(set.inputs.count) values and "
                                  + "\(set.softLabels.count) soft labels do not make stimuli of \(windows.exampleShape) "
                                  + "with \(windows.classes) classes")
        }
    }

    /// `examplesPerClass` windows of each class: real training windows, then each set's stimuli.
    private func examples(training: LabelledWindows, sets: [(name: String, set: StimulusSet)]) -> [ExportReport.ExampleWindows] {
        let size = training.exampleSize
        // Evenly spread over each class's windows, so the real ones come from several records.
        func pick(_ source: String, _ inputs: [Float], _ classes: [Int]) -> [ExportReport.ExampleWindows] {
            (0..<training.classes).map { c in
                let own = classes.indices.filter { classes[$0] == c }
                let chosen = (0..<min(examplesPerClass, own.count)).map { own[$0 * own.count / min(examplesPerClass, own.count)] }
                return .init(source: source, classIndex: c, channels: training.exampleShape.first ?? 1,
                             windows: chosen.map { Array(inputs[($0 * size)..<(($0 + 1) * size)]) })
            }
        }
        return pick("real windows", training.inputs, training.labels)
            + sets.flatMap { pick($0.name, $0.set.inputs, $0.set.targetClasses) }
    }
}
