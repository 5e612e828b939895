import Foundation
import StimKernels

/// An SVM whose scoring runs in integers (`Int16Svm`): int16 features, int16 weights or dual coefficients, exact
/// int64 sums, and for RBF the integer exponential `FixedExp`. It is built from plain float parameters, so any
/// trainer's model can be quantized:
///
/// * features are first standardized as the float model does, x′ₖ = (xₖ − offsetₖ) · scaleₖ;
/// * linear: x′ₖ is quantized with its own step sₖ = headroom · max |x′ₖ| over the calibration rows / 32767, and
///   sₖ is folded into the weights, which are quantized per machine (step tₘ = max |wₘₖ sₖ| / 32767);
/// * RBF: one step s for all features (headroom · max |x′| over the support vectors and calibration rows / 32767),
///   dual coefficients per machine (step uₘ = max |cₘⱼ| / 32767), kernel values in Q0.31.
///
/// decision[m] = Σ coefficient · kernel + bias (LIBSVM's ρ is −bias), or w·x′ + bias. Features beyond `headroom`
/// times the calibration range saturate at ±32767 steps.
public struct QuantizedSvm: Sendable {
    public let dimension: Int
    public let machines: Int
    let offset: [Float]
    let scale: [Float]
    /// The feature step of each feature (all equal for RBF).
    let featureSteps: [Float]
    /// What one unit of a machine's int64 score is worth.
    let scoreSteps: [Double]
    let bias: [Int64]
    let form: Form

    /// Feature ranges are widened by this factor, so that windows up to twice as extreme as the calibration rows (a
    /// belt artifact, a deeper breath) do not saturate; int16 keeps 14 bits for the calibration range.
    static let headroom: Float = 2

    enum Form: Sendable {
        case linear(weights: [Int16])
        case rbf(supportVectors: [Int16], coefficients: [Int16], multiplier: QuantizedMultiplier, count: Int)
    }

    /// Linear machines: weights [machines × dimension], bias [machines]. `offset`/`scale` (each [dimension], or
    /// nil for none) standardize the features; `calibration` ([rows × dimension], raw features) sets their range.
    public init(linearWeights weights: [Float], bias: [Float], dimension: Int, offset: [Float]? = nil, scale: [Float]? = nil,
                calibration: [Float]) throws {
        guard dimension > 0, !bias.isEmpty, weights.count == bias.count * dimension else {
            throw LearnError.shape("quantized SVM: \(weights.count) weights for \(bias.count) machines × \(dimension) features")
        }
        let (offset, scale) = try Self.standardization(offset, scale, dimension: dimension)
        try Self.checkFinite(weights, "weights")
        try Self.checkFinite(bias, "bias")
        guard !calibration.isEmpty else { throw LearnError.data("quantized SVM: no calibration rows to set the feature ranges") }
        let rows = try Self.standardize(calibration, offset: offset, scale: scale, dimension: dimension, name: "calibration")
        var largest = [Float](repeating: 0, count: dimension)
        for (e, v) in rows.enumerated() { largest[e % dimension] = max(largest[e % dimension], abs(v)) }
        let steps = largest.map { $0 > 0 ? Self.headroom * $0 / 32767 : 1 }
        let machines = bias.count
        var quantized = [Int16](repeating: 0, count: weights.count)
        var scoreSteps: [Double] = [], biasSteps: [Int64] = []
        for m in 0..<machines {
            let folded = (0..<dimension).map { Double(weights[m * dimension + $0]) * Double(steps[$0]) }
            let step = Self.step(largest: folded.map(abs).max() ?? 0)
            for k in 0..<dimension { quantized[m * dimension + k] = Self.int16(folded[k] / step) }
            scoreSteps.append(step)
            biasSteps.append(try Self.int64(Double(bias[m]) / step, "bias"))
        }
        self.init(dimension: dimension, machines: machines, offset: offset, scale: scale, featureSteps: steps,
                  scoreSteps: scoreSteps, bias: biasSteps, form: .linear(weights: quantized))
    }

    /// RBF machines exp(−γ‖x′ − svⱼ‖²): support vectors [count × dimension] (standardized already, as the trainer
    /// saw them), coefficients [machines × count] (yⱼαⱼ, zero where a machine does not use a vector), bias
    /// [machines]. The feature range comes from the support vectors and the optional `calibration` rows (raw).
    public init(rbfSupportVectors supportVectors: [Float], coefficients: [Float], bias: [Float], gamma: Float, dimension: Int,
                offset: [Float]? = nil, scale: [Float]? = nil, calibration: [Float] = []) throws {
        guard dimension > 0, !supportVectors.isEmpty, supportVectors.count % dimension == 0 else {
            throw LearnError.shape("quantized SVM: \(supportVectors.count) support-vector values for \(dimension) features")
        }
        let count = supportVectors.count / dimension
        guard !bias.isEmpty, coefficients.count == bias.count * count else {
            throw LearnError.shape("quantized SVM: \(coefficients.count) coefficients for \(bias.count) machines × \(count) support vectors")
        }
        guard gamma > 0, gamma.isFinite else { throw LearnError.parameter("quantized SVM: gamma \(gamma) must be finite and > 0") }
        let (offset, scale) = try Self.standardization(offset, scale, dimension: dimension)
        try Self.checkFinite(supportVectors, "support vectors")
        try Self.checkFinite(coefficients, "coefficients")
        try Self.checkFinite(bias, "bias")
        let rows = try Self.standardize(calibration, offset: offset, scale: scale, dimension: dimension, name: "calibration")
        let largest = max(supportVectors.map(abs).max() ?? 0, rows.map(abs).max() ?? 0)
        let featureStep = largest > 0 ? Self.headroom * largest / 32767 : 1
        let vectors = supportVectors.map { Self.int16(Double($0) / Double(featureStep)) }
        // Squared steps to the Q5.26 exponent argument.
        let real = Double(gamma) * Double(featureStep) * Double(featureStep) * 0x1p26
        let multiplier = try QuantizedMultiplier(real)
        guard multiplier.multiplier != 0, multiplier.shift <= 30 else {
            throw LearnError.parameter("quantized SVM: gamma \(gamma) with feature step \(featureStep) is out of fixed-point range")
        }
        let machines = bias.count
        var quantized = [Int16](repeating: 0, count: coefficients.count)
        var scoreSteps: [Double] = [], biasSteps: [Int64] = []
        for m in 0..<machines {
            let row = coefficients[m * count..<(m + 1) * count]
            let step = Self.step(largest: Double(row.map(abs).max() ?? 0))
            for j in 0..<count { quantized[m * count + j] = Self.int16(Double(row[m * count + j]) / step) }
            // Kernel values are Q0.31, so a score unit is the coefficient step × 2⁻³¹.
            scoreSteps.append(step * 0x1p-31)
            biasSteps.append(try Self.int64(Double(bias[m]) / (step * 0x1p-31), "bias"))
        }
        self.init(dimension: dimension, machines: machines, offset: offset, scale: scale,
                  featureSteps: [Float](repeating: featureStep, count: dimension), scoreSteps: scoreSteps, bias: biasSteps,
                  form: .rbf(supportVectors: vectors, coefficients: quantized, multiplier: multiplier, count: count))
    }

    init(dimension: Int, machines: Int, offset: [Float], scale: [Float], featureSteps: [Float], scoreSteps: [Double],
         bias: [Int64], form: Form) {
        self.dimension = dimension
        self.machines = machines
        self.offset = offset
        self.scale = scale
        self.featureSteps = featureSteps
        self.scoreSteps = scoreSteps
        self.bias = bias
        self.form = form
    }

    /// The integer scores [rows × machines] of raw feature rows [rows × dimension]; a score's sign is the
    /// machine's decision.
    public func scores(_ windows: [Float]) throws -> [Int64] {
        try Self.checkRows(windows, dimension: dimension, name: "windows")
        let count = windows.count / dimension
        var features = [Int16](repeating: 0, count: windows.count)
        let sharedStep: Bool
        if case .rbf = form { sharedStep = true } else { sharedStep = false }
        windows.withUnsafeBufferPointer { x in
            offset.withUnsafeBufferPointer { offset in
                scale.withUnsafeBufferPointer { scale in
                    featureSteps.withUnsafeBufferPointer { steps in
                        features.withUnsafeMutableBufferPointer { features in
                            for i in 0..<count {
                                Int16Svm.quantizeFeatures(x.baseAddress! + i * dimension, offset: offset.baseAddress!,
                                                          scale: scale.baseAddress!, steps: steps.baseAddress!, sharedStep: sharedStep,
                                                          into: features.baseAddress! + i * dimension, count: dimension)
                            }
                        }
                    }
                }
            }
        }
        var scores = [Int64](repeating: 0, count: count * machines)
        features.withUnsafeBufferPointer { features in
            bias.withUnsafeBufferPointer { bias in
                scores.withUnsafeMutableBufferPointer { scores in
                    switch form {
                    case .linear(let weights):
                        weights.withUnsafeBufferPointer { weights in
                            for i in 0..<count {
                                Int16Svm.weightedSumsOptimized(UnsafeBufferPointer(rebasing: features[i * dimension..<(i + 1) * dimension]),
                                                               weight: weights, bias: bias,
                                                               into: UnsafeMutableBufferPointer(rebasing: scores[i * machines..<(i + 1) * machines]),
                                                               machines: machines, count: dimension)
                            }
                        }
                    case .rbf(let vectors, let coefficients, let multiplier, let svCount):
                        var kernel = [Int32](repeating: 0, count: svCount)
                        vectors.withUnsafeBufferPointer { vectors in
                            coefficients.withUnsafeBufferPointer { coefficients in
                                kernel.withUnsafeMutableBufferPointer { kernel in
                                    for i in 0..<count {
                                        Int16Svm.rbfKernelOptimized(UnsafeBufferPointer(rebasing: features[i * dimension..<(i + 1) * dimension]),
                                                                    supportVectors: vectors, multiplier: multiplier, into: kernel,
                                                                    count: svCount, dimension: dimension)
                                        Int16Svm.weightedSumsOptimized(UnsafeBufferPointer(kernel), weight: coefficients, bias: bias,
                                                                       into: UnsafeMutableBufferPointer(rebasing: scores[i * machines..<(i + 1) * machines]),
                                                                       machines: machines, count: svCount)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return scores
    }

    /// The scores in the float model's units, [rows × machines].
    public func decisionValues(_ windows: [Float]) throws -> [Float] {
        try scores(windows).enumerated().map { Float(Double($0.element) * scoreSteps[$0.offset % machines]) }
    }

    // MARK: quantization helpers

    static func standardization(_ offset: [Float]?, _ scale: [Float]?, dimension: Int) throws -> ([Float], [Float]) {
        let offset = offset ?? [Float](repeating: 0, count: dimension), scale = scale ?? [Float](repeating: 1, count: dimension)
        guard offset.count == dimension, scale.count == dimension else {
            throw LearnError.shape("quantized SVM: \(offset.count) offsets and \(scale.count) scales for \(dimension) features")
        }
        try checkFinite(offset, "offsets")
        try checkFinite(scale, "scales")
        return (offset, scale)
    }

    /// (x − offset) · scale per feature, after checking the row shape and that every value is finite.
    static func standardize(_ rows: [Float], offset: [Float], scale: [Float], dimension: Int, name: String) throws -> [Float] {
        try checkRows(rows, dimension: dimension, name: name)
        return rows.indices.map { (rows[$0] - offset[$0 % dimension]) * scale[$0 % dimension] }
    }

    /// Whole rows of `dimension` finite values.
    static func checkRows(_ rows: [Float], dimension: Int, name: String) throws {
        guard rows.count % dimension == 0 else {
            throw LearnError.shape("quantized SVM: \(rows.count) \(name) values are not rows of \(dimension) features")
        }
        try checkFinite(rows, name)
    }

    static func checkFinite(_ values: [Float], _ name: String) throws {
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw LearnError.data("quantized SVM: \(name) value \(bad) is \(values[bad])")
        }
    }

    /// The step that maps ±largest onto ±32767 (1 for all zeros).
    static func step(largest: Double) -> Double { largest > 0 ? largest / 32767 : 1 }

    /// The nearest step, saturated at ±32767; NaN (an infinite standardized value times a zero scale) gives 0.
    static func int16(_ x: Double) -> Int16 { Int16Svm.saturatingNearest(x) }

    static func int64(_ x: Double, _ name: String) throws -> Int64 {
        guard abs(x) < 0x1p62 else { throw LearnError.parameter("quantized SVM: \(name) too large for the score's fixed point") }
        return Int64(x.rounded())
    }
}
