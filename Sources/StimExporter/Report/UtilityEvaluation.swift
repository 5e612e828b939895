import Foundation
import StimLearn

/// Utility on held-out records: the teacher, and each student kind trained on the real training windows and on
/// each stimulus set, all through `StudentTrainer` and scored through `Student` on the held-out records' windows.
public struct UtilityEvaluation {
    public var kinds: [StudentKind] = StudentKind.allCases
    /// Settings for every student. Networks train a fixed 30 epochs (no validation set: the held-out records
    /// are the test, never a stopping rule). SVMs use C = 1 and RBF gamma 'scale' (1 / (features × variance)),
    /// no search, so a run is one fit per kind, and no support-vector budget: on the belts an RBF machine needs
    /// about half of 7,500 stimuli as support vectors, and one kept to 1,000 random ones fell from 0.92 to 0.76.
    public var options: StudentTrainingOptions

    public init(options: StudentTrainingOptions = UtilityEvaluation.defaultOptions) {
        self.options = options
    }

    public static var defaultOptions: StudentTrainingOptions {
        var options = StudentTrainingOptions()
        options.epochs = 30
        options.patience = nil
        options.threads = 2
        return options
    }

    /// One student: what it is, what it trained on, and how it scored on the held-out records.
    public struct Row: Codable, Sendable, Equatable {
        public var kind: String
        /// "real windows" or a stimulus set's name.
        public var trainedOn: String
        public var trainingCount: Int
        public var scores: ClassificationScores
        public var perRecord: [RecordAccuracy]
        public var trainingSeconds: Double
        /// The confidence-threshold attack on this student (`MembershipInference.sets`: trained windows against the
        /// unseen slice of the same records).
        public var membership: MembershipInference.Result
    }

    public struct RecordAccuracy: Codable, Sendable, Equatable {
        public var record: String
        public var count: Int
        public var accuracy: Double
    }

    public enum Progress {
        case training(kind: StudentKind, trainedOn: String)
        case student(StudentTrainingProgress)
    }

    /// Scores a model's predictions on the held-out windows, overall and per record.
    public static func score(_ predicted: [Int], on heldOut: LabelledWindows) -> (ClassificationScores, [RecordAccuracy]) {
        let overall = ConfusionMatrix(truth: heldOut.labels, predicted: predicted, classes: heldOut.classes)
        let perRecord = Set(heldOut.persons).sorted().map { person -> RecordAccuracy in
            let own = heldOut.persons.indices.filter { heldOut.persons[$0] == person }
            let matrix = ConfusionMatrix(truth: own.map { heldOut.labels[$0] }, predicted: own.map { predicted[$0] },
                                         classes: heldOut.classes)
            return RecordAccuracy(record: heldOut.personNames[person], count: own.count, accuracy: matrix.accuracy)
        }
        return (ClassificationScores(overall), perRecord)
    }

    /// Trains every kind on the real training windows and on each named stimulus set, in that order, and scores
    /// each on `heldOut`, attacking each student's membership with the training windows of the records `unseen`
    /// comes from as members and `unseen` (a slice of those records nothing trained on) as non-members.
    public func evaluate(training: LabelledWindows, unseen: LabelledWindows, heldOut: LabelledWindows,
                         stimulusSets: [(name: String, set: StimulusSet)],
                         progress: ((Progress) -> Void)? = nil) throws -> [Row] {
        guard training.count > 0, heldOut.count > 0 else { throw LearnError.data("no training or no held-out windows") }
        guard training.exampleShape == heldOut.exampleShape, training.classes == heldOut.classes else {
            throw LearnError.data("training windows of \(training.exampleShape) and held-out windows of \(heldOut.exampleShape) differ")
        }
        let membership = try MembershipInference.sets(training: training, unseen: unseen)
        var sources: [(String, TrainingData)] = [("real windows", try training.classData())]
        for (name, set) in stimulusSets {
            guard set.exampleShape == training.exampleShape, set.classes == training.classes else {
                throw LearnError.data("stimulus set \(name) holds \(set.exampleShape) windows of \(set.classes) classes")
            }
            sources.append((name, try set.trainingData()))
        }
        var result: [Row] = []
        for (name, data) in sources {
            guard Set(data.labels).count >= 2 else {
                throw LearnError.data("\(name): every example has the same most probable class; students need two")
            }
            for kind in kinds {
                progress?(.training(kind: kind, trainedOn: name))
                let start = Date()
                let trained = try StudentTrainer(options: options).train(kind, on: data, progress: progress.map { report in
                    { report(.student($0)) }
                })
                let seconds = Date().timeIntervalSince(start)
                let student = try Student(body: trained.body, inputShape: training.exampleShape, classes: training.classes)
                let (scores, perRecord) = Self.score(try student.predict(heldOut.inputs), on: heldOut)
                result.append(Row(kind: kind.rawValue, trainedOn: name, trainingCount: data.count, scores: scores,
                                  perRecord: perRecord, trainingSeconds: seconds,
                                  membership: try MembershipInference.attack(student, members: membership.members,
                                                                             nonMembers: membership.nonMembers)))
            }
        }
        return result
    }
}
