/// Batch normalization per channel (the first axis; each feature of a flat input): in training
/// y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch's statistics, which also update running estimates
/// (running = (1 − momentum)·running + momentum·batch, the unbiased variance, as in PyTorch); at
/// inference the running estimates stand in, and a model file folds the layer into the one before it.
public final class BatchNormLayer: NetworkLayer {
    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }
    public let scale: Parameter
    public let shift: Parameter
    public let runningMean: FloatBuffer
    public let runningVariance: FloatBuffer
    public let momentum: Float
    public let epsilon: Float
    /// From the last training pass: normalized input and 1/√(σ² + ε) per channel.
    var normalized = FloatBuffer(count: 0)
    let inverseDeviation: FloatBuffer

    init(inputShape: [Int], momentum: Float, epsilon: Float) throws {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LearnError.shape("batchNorm got an empty input shape \(inputShape)")
        }
        guard momentum > 0, momentum <= 1, epsilon > 0 else {
            throw LearnError.shape("batchNorm needs 0 < momentum ≤ 1 and ε > 0")
        }
        self.inputShape = inputShape
        self.momentum = momentum
        self.epsilon = epsilon
        let channels = inputShape[0]
        scale = Parameter(name: "gamma", shape: [channels], decays: false)
        shift = Parameter(name: "beta", shape: [channels], decays: false)
        runningMean = FloatBuffer(count: channels)
        runningVariance = FloatBuffer(count: channels)
        inverseDeviation = FloatBuffer(count: channels)
        resetStatistics()
    }

    public var parameters: [Parameter] { [scale, shift] }

    /// Training normalizes by the whole batch's statistics.
    public func isExampleWise(training: Bool) -> Bool { !training }
    public var spec: LayerSpec { .batchNorm(momentum: momentum, epsilon: epsilon) }

    var channels: Int { inputShape[0] }
    var positions: Int { inputCount / inputShape[0] }

    /// γ = 1, β = 0, running mean 0 and variance 1: the identity, as a fresh layer starts.
    func resetStatistics() {
        scale.value.fill(1)
        shift.value.fill(0)
        runningMean.fill(0)
        runningVariance.fill(1)
    }

    /// Calls body(channel, index) for every value of `channel` in a batch, in memory order per example.
    @inline(__always)
    func forEachValue(batch: Int, channel c: Int, _ body: (Int) -> Void) {
        let (channels, positions) = (self.channels, self.positions)
        for n in 0..<batch {
            let base = (n * channels + c) * positions
            for p in 0..<positions { body(base + p) }
        }
    }

    public func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, batch: Int,
                        training: Bool, scratch: UnsafeMutableBufferPointer<Float>) {
        if training && normalized.count < input.count { normalized = FloatBuffer(count: input.count) }
        let count = Float(batch * positions)
        for c in 0..<channels {
            var mean = runningMean[c], variance = runningVariance[c]
            if training {
                var sum: Float = 0
                forEachValue(batch: batch, channel: c) { sum += input[$0] }
                mean = sum / count
                var squares: Float = 0
                forEachValue(batch: batch, channel: c) { squares += (input[$0] - mean) * (input[$0] - mean) }
                variance = squares / count
                let unbiased = count > 1 ? squares / (count - 1) : variance
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean
                runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * unbiased
            }
            let inverse = 1 / (variance + epsilon).squareRoot()
            inverseDeviation[c] = inverse
            let (gamma, beta) = (scale.value[c], shift.value[c])
            forEachValue(batch: batch, channel: c) { i in
                let x̂ = (input[i] - mean) * inverse
                if training { normalized[i] = x̂ }
                output[i] = gamma * x̂ + beta
            }
        }
    }

    /// ∂L/∂x = γ/(N·σ) · (N·∂L/∂y − Σ∂L/∂y − x̂·Σ(∂L/∂y·x̂)) with N values per channel in the batch.
    public func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                         outputGradient: UnsafeBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                         batch: Int, parameterGradients: [UnsafeMutableBufferPointer<Float>]?,
                         scratch: UnsafeMutableBufferPointer<Float>) {
        let count = Float(batch * positions)
        for c in 0..<channels {
            var sumGradient: Float = 0, sumGradientX̂: Float = 0
            forEachValue(batch: batch, channel: c) { i in
                sumGradient += outputGradient[i]
                sumGradientX̂ += outputGradient[i] * normalized[i]
            }
            if let parameterGradients {
                parameterGradients[0][c] = sumGradientX̂
                parameterGradients[1][c] = sumGradient
            }
            guard let inputGradient else { continue }
            let factor = scale.value[c] * inverseDeviation[c] / count
            forEachValue(batch: batch, channel: c) { i in
                inputGradient[i] = factor * (count * outputGradient[i] - sumGradient - normalized[i] * sumGradientX̂)
            }
        }
    }
}
