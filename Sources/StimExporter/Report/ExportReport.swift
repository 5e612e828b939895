import Foundation

/// What the exporter measured about a dataset's usefulness and privacy: written as DATASET.report.json
/// (snake_case keys) and rendered as DATASET.report.html. Every figure's meaning is stated where it is defined.
public struct ExportReport: Codable, Sendable, Equatable {
    public var dataset: String
    public var classNames: [String]
    /// How the figures were obtained, e.g. "fixed record split: trained on 6 records, tested on 2 held-out records".
    public var evaluation: String
    public var trainingRecords: [String]
    public var heldOutRecords: [String]
    /// The stimulus sets evaluated, in order; the first is the one the dataset ships.
    public var stimulusSets: [SetSize]
    public var utility: Utility
    public var privacy: Privacy
    public var acceptance: AcceptanceSummary?
    /// A few windows per class of the real training windows and of each stimulus set, for the report's figure.
    public var examples: [ExampleWindows]
    /// Wall-clock seconds of each stage of the evaluation.
    public var seconds: [String: Double]

    public struct SetSize: Codable, Sendable, Equatable {
        public var name: String
        public var count: Int
        /// Stimuli per target class.
        public var perClass: [Int]
    }

    public struct Utility: Codable, Sendable, Equatable {
        public var teacher: ClassificationScores
        public var teacherPerRecord: [UtilityEvaluation.RecordAccuracy]
        public var students: [UtilityEvaluation.Row]
    }

    public struct Privacy: Codable, Sendable, Equatable {
        public var reidentification: Reidentification
        public var closestRecord: [NamedClosestRecord]
        /// What every student's membership AUC compares (`UtilityEvaluation.Row.membership`).
        public var membership: MembershipDesign
    }

    /// The membership attack's two sets, both from the same training records: `members` trained windows (the teacher's
    /// and the real-window students' training data) against `nonMembers` windows of those records' membership slice,
    /// which nothing trained on.
    public struct MembershipDesign: Codable, Sendable, Equatable {
        public var records: [String]
        public var members: Int
        public var nonMembers: Int
        /// Consecutive windows per held-back block (`MembershipSlice.blockWindows`).
        public var blockWindows: Int
        /// The same in words, for a reader of the JSON.
        public var description: String
    }

    public struct Reidentification: Codable, Sendable, Equatable {
        public var persons: Int
        /// 1 / persons.
        public var chance: Double
        /// The attacker on the last share of each training person's real windows, which it did not train on. Every
        /// `classOnlyTop1` is the best constant guess per class on the evaluated windows themselves (an oracle).
        public var heldOutFraction: Double
        public var heldOutSlice: ReidentificationAttack.Result
        public var stimulusSets: [NamedReidentification]
    }

    public struct NamedReidentification: Codable, Sendable, Equatable {
        public var set: String
        public var result: ReidentificationAttack.Result
    }

    public struct NamedClosestRecord: Codable, Sendable, Equatable {
        public var set: String
        public var summary: ClosestRecordSummary
    }

    public struct ExampleWindows: Codable, Sendable, Equatable {
        /// "real windows" or a stimulus set's name.
        public var source: String
        public var classIndex: Int
        public var channels: Int
        /// Windows of [channels, samples], channel after channel.
        public var windows: [[Float]]
    }

    /// The JSON text: sorted snake_case keys, pretty-printed.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
