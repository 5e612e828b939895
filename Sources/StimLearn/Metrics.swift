/// Agreement between predicted and true classes.
public struct ConfusionMatrix: Equatable, Sendable {
    public let classes: Int
    /// counts[truth][prediction].
    public private(set) var counts: [[Int]]

    public init(classes: Int) {
        self.classes = classes
        counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    public init(truth: [Int], predicted: [Int], classes: Int) {
        precondition(truth.count == predicted.count, "one prediction per example")
        self.init(classes: classes)
        for (t, p) in zip(truth, predicted) { add(truth: t, predicted: p) }
    }

    public mutating func add(truth: Int, predicted: Int) { counts[truth][predicted] += 1 }

    public mutating func add(_ other: ConfusionMatrix) {
        precondition(other.classes == classes, "confusion matrices of different class counts")
        for t in 0..<classes {
            for p in 0..<classes { counts[t][p] += other.counts[t][p] }
        }
    }

    public var total: Int { counts.joined().reduce(0, +) }
    public var correct: Int { (0..<classes).reduce(0) { $0 + counts[$1][$1] } }
    public var accuracy: Double { total == 0 ? .nan : Double(correct) / Double(total) }

    /// Cohen's κ = (p_o − p_e) / (1 − p_e): agreement beyond what the class frequencies give by chance.
    public var kappa: Double {
        let n = Double(total)
        guard n > 0 else { return .nan }
        var expected = 0.0
        for c in 0..<classes {
            let truthCount = Double(counts[c].reduce(0, +))
            let predictedCount = Double((0..<classes).reduce(0) { $0 + counts[$1][c] })
            expected += truthCount * predictedCount / (n * n)
        }
        return expected == 1 ? (accuracy == 1 ? 1 : 0) : (accuracy - expected) / (1 - expected)
    }

    /// Of the examples of class c, the fraction predicted c (recall; for apnea, the sensitivity).
    public func recall(_ c: Int) -> Double {
        let row = counts[c].reduce(0, +)
        return row == 0 ? .nan : Double(counts[c][c]) / Double(row)
    }
}

/// Index of the largest value of each row of `classes` values (the first one on ties).
public func argmaxRows(_ values: [Float], classes: Int) -> [Int] {
    precondition(classes > 0 && values.count % classes == 0, "values must be rows of \(classes)")
    return (0..<(values.count / classes)).map { row in
        var best = 0
        for k in 1..<classes where values[row * classes + k] > values[row * classes + best] { best = k }
        return best
    }
}
