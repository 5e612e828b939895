/// Training examples for an SVM, checked: whole examples of finite values, labels within the classes and
/// every class present, positive finite example weights.
public struct SvmExamples: Sendable {
    public let features: Int
    public let classes: Int
    /// count × features, row-major.
    public let values: [Float]
    public let labels: [Int]
    /// Per-example factor on C (soft-label confidence, say); empty means 1.
    public let weights: [Double]

    public var count: Int { labels.count }

    public init(features: Int, classes: Int, values: [Float], labels: [Int], weights: [Double] = []) throws {
        guard features >= 1 else { throw LearnError.shape("examples need at least 1 feature, not \(features)") }
        guard classes >= 2 else { throw LearnError.data("an SVM needs at least 2 classes, not \(classes)") }
        guard !labels.isEmpty else { throw LearnError.data("no training examples") }
        guard values.count == labels.count * features else {
            throw LearnError.shape("\(values.count) values are not \(labels.count) examples of \(features) features")
        }
        try LearnError.requireFinite(values, rowSize: features)
        if let bad = labels.first(where: { !(0..<classes).contains($0) }) {
            throw LearnError.data("label \(bad) is not a class index below \(classes)")
        }
        var present = [Bool](repeating: false, count: classes)
        for label in labels { present[label] = true }
        let missing = present.indices.filter { !present[$0] }
        guard missing.count < classes - 1 else {
            throw LearnError.data("all \(labels.count) examples are of one class (\(labels[0])): an SVM needs two")
        }
        guard missing.isEmpty else {
            throw LearnError.data("class\(missing.count > 1 ? "es" : "") \(missing.map(String.init).joined(separator: ", ")) ha\(missing.count > 1 ? "ve" : "s") no examples")
        }
        if !weights.isEmpty {
            guard weights.count == labels.count else {
                throw LearnError.shape("\(weights.count) example weights for \(labels.count) examples")
            }
            if let bad = weights.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
                throw LearnError.data("example \(bad) has weight \(weights[bad]); weights must be positive and finite")
            }
        }
        self.features = features
        self.classes = classes
        self.values = values
        self.labels = labels
        self.weights = weights
    }

    /// The examples at `indices`, in that order (cross-validation folds).
    public func subset(_ indices: [Int]) throws -> SvmExamples {
        var values: [Float] = []
        values.reserveCapacity(indices.count * features)
        for i in indices { values += self.values[(i * features)..<((i + 1) * features)] }
        return try SvmExamples(features: features, classes: classes, values: values, labels: indices.map { labels[$0] },
                               weights: weights.isEmpty ? [] : indices.map { weights[$0] })
    }
}
