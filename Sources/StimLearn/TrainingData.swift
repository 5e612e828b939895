import StimKernels

/// Examples and their target class distributions (one-hot for hard labels, soft for distillation).
public struct TrainingData: Sendable {
    public let exampleShape: [Int]
    public let classes: Int
    /// count × exampleShape, example after example.
    public let inputs: [Float]
    /// count × classes probabilities.
    public let targets: [Float]

    public var exampleSize: Int { exampleShape.reduce(1, *) }
    public var count: Int { targets.count / classes }

    /// Checks sizes and values: finite inputs, targets that are distributions (non-negative, rows sum to 1).
    public init(exampleShape: [Int], classes: Int, inputs: [Float], targets: [Float]) throws {
        guard !exampleShape.isEmpty, exampleShape.allSatisfy({ $0 > 0 }), classes > 1 else {
            throw LearnError.data("need a positive example shape and at least 2 classes")
        }
        let size = exampleShape.reduce(1, *)
        guard !targets.isEmpty, targets.count % classes == 0, inputs.count == targets.count / classes * size else {
            throw LearnError.data("\(inputs.count) input values and \(targets.count) target values do not make whole examples of \(exampleShape) with \(classes) classes")
        }
        try LearnError.requireFinite(inputs, rowSize: size)
        for row in 0..<(targets.count / classes) {
            let values = targets[(row * classes)..<((row + 1) * classes)]
            let sum = values.reduce(0, +)
            guard values.allSatisfy({ $0 >= 0 && $0.isFinite }), abs(sum - 1) < 1e-3 else {
                throw LearnError.data("targets of example \(row) are not a probability distribution: \(Array(values))")
            }
        }
        self.exampleShape = exampleShape
        self.classes = classes
        self.inputs = inputs
        self.targets = targets
    }

    /// Hard labels as one-hot targets.
    public init(exampleShape: [Int], classes: Int, inputs: [Float], labels: [Int]) throws {
        guard let bad = labels.first(where: { !(0..<classes).contains($0) }) else {
            var targets = [Float](repeating: 0, count: labels.count * classes)
            for (row, label) in labels.enumerated() { targets[row * classes + label] = 1 }
            try self.init(exampleShape: exampleShape, classes: classes, inputs: inputs, targets: targets)
            return
        }
        throw LearnError.data("label \(bad) is not a class index below \(classes)")
    }

    /// The most probable class of each example.
    public var labels: [Int] { argmaxRows(targets, classes: classes) }

    /// The largest magnitude of any input value: a student clamps what it classifies to ±this, the range it learned
    /// from (stimuli of a tanh generator lie in (−1, 1), real windows reach further).
    public var inputBound: Float { inputs.reduce(0) { max($0, abs($1)) } }

    /// The targets at a distillation temperature: each soft label p becomes p^(1/T), renormalized, which is the
    /// teacher's softmax of its logits divided by T (Hinton et al. 2015). T > 1 lifts the classes a stimulus almost
    /// excites, the teacher's knowledge that a near one-hot label hides; hard labels stay as they are.
    public func tempered(_ temperature: Float) throws -> TrainingData {
        guard temperature.isFinite, temperature > 0 else {
            throw LearnError.parameter("the distillation temperature must be a positive number, not \(temperature)")
        }
        guard temperature != 1 else { return self }
        // log(p) / T are logits whose softmax is the tempered row; a class of probability 0 stays at 0.
        let logits = targets.map { $0 > 0 ? FloatMath.log($0) / temperature : -.infinity }
        var tempered = [Float](repeating: 0, count: targets.count)
        logits.withUnsafeBufferPointer { x in
            tempered.withUnsafeMutableBufferPointer { Softmax.softmax(x, into: $0, rows: count, columns: classes) }
        }
        return TrainingData(unchecked: exampleShape, classes, inputs, tempered)
    }

    public func subset(_ indices: [Int]) -> TrainingData {
        let size = exampleSize
        var inputs = [Float](), targets = [Float]()
        inputs.reserveCapacity(indices.count * size)
        targets.reserveCapacity(indices.count * classes)
        for i in indices {
            inputs.append(contentsOf: self.inputs[(i * size)..<((i + 1) * size)])
            targets.append(contentsOf: self.targets[(i * classes)..<((i + 1) * classes)])
        }
        return TrainingData(unchecked: exampleShape, classes, inputs, targets)
    }

    /// A random split, the same for the same seed: (training, validation) with `fraction` in validation.
    /// Use it for stimuli; for recordings split by record instead, or minutes of one night leak across.
    public func split(validationFraction fraction: Double, seed: UInt64) -> (TrainingData, TrainingData) {
        let (training, validation) = splitIndices(validationFraction: fraction, seed: seed)
        return (subset(training), subset(validation))
    }

    /// The examples `split` puts in training and in validation, for callers that carry more per example.
    public func splitIndices(validationFraction fraction: Double, seed: UInt64) -> (training: [Int], validation: [Int]) {
        var order = Array(0..<count)
        var generator = Xoshiro256StarStar(seed: seed)
        shuffle(&order, using: &generator)
        let validation = min(max(Int((Double(count) * fraction).rounded()), 1), count - 1)
        return (Array(order[validation...]), Array(order[..<validation]))
    }

    private init(unchecked shape: [Int], _ classes: Int, _ inputs: [Float], _ targets: [Float]) {
        exampleShape = shape
        self.classes = classes
        self.inputs = inputs
        self.targets = targets
    }
}

/// Fisher–Yates with the project's generator, so a seed fixes the order on every platform.
public func shuffle(_ values: inout [Int], using generator: inout Xoshiro256StarStar) {
    guard values.count > 1 else { return }
    for i in stride(from: values.count - 1, to: 0, by: -1) {
        values.swapAt(i, generator.nextInt(in: 0...i))
    }
}
