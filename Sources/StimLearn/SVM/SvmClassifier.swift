import StimFormats
import StimKernels

/// A trained SVM student: binary machines over (scaled) features, combined one-vs-one (LIBSVM's layout) or
/// one-vs-rest, with optional Platt scaling for probabilities. Predicts in float32.
///
/// Machines: one-vs-one has one per class pair (0,1), (0,2), …, (1,2), … in that order, f > 0 meaning the
/// first class of the pair; one-vs-rest has one per class, f > 0 meaning that class. Two classes always have
/// the single machine (0,1), stored as one-vs-one.
public struct SvmClassifier: Sendable, Equatable {
    public enum Machines: Sendable, Equatable {
        /// f_m(x) = Σ_s coefficients[row, s] K(sv_s, x) + bias[m], support vectors grouped by class.
        /// One-vs-one: classes − 1 coefficient rows in LIBSVM's layout (pair (i, j) reads row j − 1 for the
        /// support vectors of class i and row i for those of class j); one-vs-rest: one row per machine.
        case kernel(supportVectors: [Float], coefficients: [Float], supportPerClass: [Int])
        /// f_m(x) = weight[m]·x + bias[m]; machines × features.
        case linear(weight: [Float])
    }

    public var kernel: SvmKernel
    public var multiclass: Svm.Multiclass
    public var classes: Int
    public var features: Int
    public var scaling: FeatureScaling
    public var machines: Machines
    /// One per machine (LIBSVM's −ρ).
    public var bias: [Float]
    /// Platt scaling P(first class) = 1 / (1 + exp(A f + B)), one (A, B) per machine; empty without.
    public var probabilityA: [Float]
    public var probabilityB: [Float]

    /// Checks that the parts fit together; a model file's SVM goes through here before it predicts.
    public init(kernel: SvmKernel, multiclass: Svm.Multiclass, classes: Int, features: Int, scaling: FeatureScaling,
                machines: Machines, bias: [Float], probabilityA: [Float] = [], probabilityB: [Float] = []) throws {
        guard classes >= 2 else { throw LearnError.data("an SVM needs at least 2 classes, not \(classes)") }
        guard features >= 1 else { throw LearnError.shape("an SVM needs at least 1 feature, not \(features)") }
        try kernel.validate()
        try scaling.validate(features: features)
        self.kernel = kernel
        self.multiclass = classes == 2 ? .oneVsOne : multiclass
        self.classes = classes
        self.features = features
        self.scaling = scaling
        self.machines = machines
        self.bias = bias
        self.probabilityA = probabilityA
        self.probabilityB = probabilityB
        let machineCount = self.machineCount
        guard bias.count == machineCount else {
            throw LearnError.shape("\(bias.count) biases for \(machineCount) machines")
        }
        guard probabilityA.count == probabilityB.count, probabilityA.isEmpty || probabilityA.count == machineCount else {
            throw LearnError.shape("\(probabilityA.count) and \(probabilityB.count) Platt parameters for \(machineCount) machines")
        }
        switch machines {
        case let .kernel(supportVectors, coefficients, supportPerClass):
            guard supportPerClass.count == classes, supportPerClass.allSatisfy({ $0 >= 0 }) else {
                throw LearnError.shape("support vectors per class \(supportPerClass) do not fit \(classes) classes")
            }
            let count = supportPerClass.reduce(0, +)
            guard supportVectors.count == count * features else {
                throw LearnError.shape("\(supportVectors.count) support-vector values are not \(count) vectors of \(features) features")
            }
            guard coefficients.count == coefficientRows * count else {
                throw LearnError.shape("\(coefficients.count) dual coefficients where \(coefficientRows) × \(count) are needed")
            }
        case .linear(let weight):
            guard weight.count == machineCount * features else {
                throw LearnError.shape("\(weight.count) weights where \(machineCount) × \(features) are needed")
            }
        }
        guard bias.allSatisfy(\.isFinite) else { throw LearnError.data("an SVM bias is not finite") }
    }

    public var machineCount: Int {
        classes == 2 ? 1 : (multiclass == .oneVsOne ? classes * (classes - 1) / 2 : classes)
    }

    /// Rows of the kernel coefficient matrix: classes − 1 (one-vs-one) or one per machine.
    var coefficientRows: Int { multiclass == .oneVsOne ? classes - 1 : machineCount }

    public var supportVectorCount: Int {
        if case .kernel(_, _, let perClass) = machines { return perClass.reduce(0, +) }
        return 0
    }

    public var hasProbabilities: Bool { !probabilityA.isEmpty }

    /// The class pairs of the one-vs-one machines, in machine order.
    var pairs: [(Int, Int)] {
        (0..<classes).flatMap { i in ((i + 1)..<classes).map { j in (i, j) } }
    }

    /// Decision values, machineCount per example (example after example).
    public func decisionValues(_ inputs: [Float]) throws -> [Float] {
        guard inputs.count % features == 0 else {
            throw LearnError.shape("\(inputs.count) input values are not whole examples of \(features) features")
        }
        try LearnError.requireFinite(inputs, rowSize: features)
        let x = scaling.apply(inputs)
        let count = x.count / features
        switch machines {
        case .linear(let weight):
            var result = [Float](repeating: 0, count: count * machineCount)
            for e in 0..<count {
                for m in 0..<machineCount {
                    var s: Float = 0
                    for k in 0..<features { s += weight[m * features + k] * x[e * features + k] }
                    result[e * machineCount + m] = s + bias[m]
                }
            }
            return result
        case let .kernel(supportVectors, coefficients, supportPerClass):
            return KernelExpansion(kernel: kernel, supportVectors: supportVectors, features: features)
                .decisionValues(x, count: count, coefficients: coefficients, supportPerClass: supportPerClass,
                                pairs: multiclass == .oneVsOne ? pairs : nil, bias: bias)
        }
    }

    /// The predicted class of each example: one-vs-one by votes (ties to the lower class, as LIBSVM),
    /// one-vs-rest by the largest decision value.
    public func predict(_ inputs: [Float]) throws -> [Int] {
        let values = try decisionValues(inputs)
        let m = machineCount
        return (0..<(values.count / m)).map { e in
            let row = values[(e * m)..<((e + 1) * m)]
            if classes == 2 { return row[e * m] > 0 ? 0 : 1 }
            if multiclass == .oneVsRest {
                return row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }! - e * m
            }
            var votes = [Int](repeating: 0, count: classes)
            for (p, (i, j)) in pairs.enumerated() { votes[row[e * m + p] > 0 ? i : j] += 1 }
            return votes.indices.max { votes[$0] < votes[$1] || (votes[$0] == votes[$1] && $0 > $1) }!
        }
    }

    /// Class probabilities, `classes` per example: Platt-scaled pairwise probabilities coupled by Wu, Lin &
    /// Weng's method (one-vs-one), or Platt-scaled one-vs-rest probabilities normalized to sum 1.
    public func probabilities(_ inputs: [Float]) throws -> [Float] {
        guard hasProbabilities else {
            throw LearnError.unsupported("this SVM was trained without probability outputs")
        }
        let values = try decisionValues(inputs)
        let m = machineCount
        var result: [Float] = []
        result.reserveCapacity(values.count / m * classes)
        for e in 0..<(values.count / m) {
            // Clamped as LIBSVM does, so pairwise coupling never sees 0 or 1.
            let p = (0..<m).map {
                min(max(PlattScaling(a: Double(probabilityA[$0]), b: Double(probabilityB[$0]))
                    .probability(Double(values[e * m + $0])), 1e-7), 1 - 1e-7)
            }
            if classes == 2 {
                result += [Float(p[0]), Float(1 - p[0])]
            } else if multiclass == .oneVsRest {
                let total = p.reduce(0, +)
                result += p.map { Float($0 / total) }
            } else {
                var pairwise = [[Double]](repeating: [Double](repeating: 0, count: classes), count: classes)
                for (index, (i, j)) in pairs.enumerated() {
                    pairwise[i][j] = p[index]
                    pairwise[j][i] = 1 - p[index]
                }
                result += pairwiseCoupling(pairwise).map { Float($0) }
            }
        }
        return result
    }
}
