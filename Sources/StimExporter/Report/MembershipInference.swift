import StimLearn

/// A confidence-threshold membership attack on a student: the attacker calls a window a member of the
/// training data when the student gives its true class a high probability. Its AUC over members (windows the
/// student's training saw: the real training windows, or for a stimuli-trained student the real windows the
/// teacher saw) against non-members (windows of held-out records) is 0.5 when confidence tells them apart no
/// better than chance. An SVM without probabilities scores 1 or 0 (right or wrong), which the AUC counts
/// with ties.
public enum MembershipInference {
    public struct Result: Codable, Sendable, Equatable {
        public var auc: Double
        public var members: Int
        public var nonMembers: Int
        /// Mean probability of the true class on members and on non-members.
        public var memberConfidence: Double
        public var nonMemberConfidence: Double
    }

    public static func attack(_ student: Student, members: LabelledWindows, nonMembers: LabelledWindows) throws -> Result {
        guard members.count > 0, nonMembers.count > 0 else {
            throw LearnError.data("membership inference needs member and non-member windows")
        }
        let memberScores = try trueClassProbabilities(student, members)
        let nonMemberScores = try trueClassProbabilities(student, nonMembers)
        return Result(auc: try MannWhitneyAuc.auc(positives: memberScores, negatives: nonMemberScores),
                      members: members.count, nonMembers: nonMembers.count,
                      memberConfidence: memberScores.reduce(0, +) / Double(memberScores.count),
                      nonMemberConfidence: nonMemberScores.reduce(0, +) / Double(nonMemberScores.count))
    }

    static func trueClassProbabilities(_ student: Student, _ windows: LabelledWindows) throws -> [Double] {
        guard windows.classes == student.classes else {
            throw LearnError.data("windows of \(windows.classes) classes for a student of \(student.classes)")
        }
        let probabilities = try student.probabilities(windows.inputs)
        return windows.labels.enumerated().map { i, label in Double(probabilities[i * student.classes + label]) }
    }
}
