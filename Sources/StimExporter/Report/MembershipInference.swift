import StimLearn

/// A confidence-threshold membership attack on a student: the attacker calls a window a member of the
/// training data when the student gives its true class a high probability. Its AUC over members against
/// non-members is 0.5 when confidence tells them apart no better than chance. In the report both come from the
/// same training records (`sets(training:unseen:)`): members are the windows the teacher and the real-window
/// students trained on, non-members the records' membership slice (`MembershipSlice`), which nothing trained on.
/// So the AUC asks whether a student is more confident on windows it (or, for a stimuli-trained student, the
/// teacher) saw than on unseen windows of the same persons, not whether one person's nights are easier than
/// another's. An SVM without probabilities scores 1 or 0 (right or wrong), which the AUC counts with ties.
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

    /// The report's members and non-members: every trained window of the records the unseen slice comes from
    /// (not a sample: the AUC does not depend on the sets' sizes), and the slice itself.
    public static func sets(training: LabelledWindows, unseen: LabelledWindows) throws
        -> (members: LabelledWindows, nonMembers: LabelledWindows) {
        guard unseen.count > 0 else { throw LearnError.data("membership inference needs an unseen slice of the training records") }
        guard unseen.personNames == training.personNames, unseen.exampleShape == training.exampleShape,
              unseen.classNames == training.classNames else {
            throw LearnError.data("the unseen slice (records \(unseen.personNames), windows of \(unseen.exampleShape)) is not "
                                  + "of the training records (\(training.personNames), \(training.exampleShape))")
        }
        let members = training.of(persons: Set(unseen.persons))
        guard members.count > 0 else { throw LearnError.data("the unseen slice's records have no trained windows") }
        return (members, unseen)
    }

    static func trueClassProbabilities(_ student: Student, _ windows: LabelledWindows) throws -> [Double] {
        guard windows.classes == student.classes else {
            throw LearnError.data("windows of \(windows.classes) classes for a student of \(student.classes)")
        }
        let probabilities = try student.probabilities(windows.inputs)
        return windows.labels.enumerated().map { i, label in Double(probabilities[i * student.classes + label]) }
    }
}

extension MembershipInference.Result {
    /// The mean of attacks on students of one kind and training set (the same members and non-members). In an
    /// extension, so the memberwise initializer stays.
    init(averaging results: [Self]) {
        let mean = { (value: (Self) -> Double) in results.map(value).reduce(0, +) / Double(max(results.count, 1)) }
        self.init(auc: mean(\.auc), members: results.first?.members ?? 0, nonMembers: results.first?.nonMembers ?? 0,
                  memberConfidence: mean(\.memberConfidence), nonMemberConfidence: mean(\.nonMemberConfidence))
    }
}
