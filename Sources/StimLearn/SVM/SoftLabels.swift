/// Soft teacher labels (a class distribution per stimulus) as an SVM can use them: the most probable class,
/// and a weight on C from how sure the teacher is.
public enum SoftLabels {
    /// Labels (argmax, first class on ties) and weights wᵢ = max(minimumWeight, (p_max − 1/k) / (1 − 1/k)):
    /// 1 for a one-hot target, 0 for a uniform one (the teacher had no opinion), linear in between; the floor
    /// keeps every example in the problem with some say. `targets` is count × classes.
    public static func hardLabels(targets: [Float], classes: Int, minimumWeight: Double = 0.05) throws -> (labels: [Int], weights: [Double]) {
        guard classes >= 2 else { throw LearnError.data("soft labels need at least 2 classes, not \(classes)") }
        guard targets.count % classes == 0, !targets.isEmpty else {
            throw LearnError.shape("\(targets.count) target values are not whole distributions over \(classes) classes")
        }
        guard minimumWeight > 0, minimumWeight <= 1 else {
            throw LearnError.parameter("the minimum weight must lie in (0, 1], not \(minimumWeight)")
        }
        let labels = argmaxRows(targets, classes: classes)
        let uniform = 1 / Double(classes)
        let weights = labels.enumerated().map { row, label in
            max(minimumWeight, (Double(targets[row * classes + label]) - uniform) / (1 - uniform))
        }
        return (labels, weights)
    }
}

extension SvmExamples {
    /// A dataset's examples with hard labels (argmax of the targets) and, when `confidenceWeighted`, the
    /// teacher's confidence as example weights (SoftLabels.hardLabels).
    public init(_ data: TrainingData, confidenceWeighted: Bool = false, minimumWeight: Double = 0.05) throws {
        let (labels, weights) = try SoftLabels.hardLabels(targets: data.targets, classes: data.classes,
                                                          minimumWeight: minimumWeight)
        try self.init(features: data.exampleSize, classes: data.classes, values: data.inputs, labels: labels,
                      weights: confidenceWeighted ? weights : [])
    }
}
