import StimKernels

/// Inverted dropout: in training each value is zeroed with probability `rate` and the rest scaled by
/// 1 / (1 − rate), so inference is the identity. The mask comes from the layer's own seeded generator.
public final class DropoutLayer: NetworkLayer {
    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }
    public let rate: Float
    var generator: Xoshiro256StarStar
    /// Per value of the last training batch: 0 or 1 / (1 − rate).
    var mask = FloatBuffer(count: 0)
    /// Whether the last forward pass dropped values: a backward pass after an inference pass (a frozen teacher's
    /// input gradient) must not apply a stale mask.
    private var masked = false

    init(inputShape: [Int], rate: Float, seed: UInt64) throws {
        guard rate >= 0, rate < 1 else { throw LearnError.shape("dropout rate must be in [0, 1), got \(rate)") }
        self.inputShape = inputShape
        self.rate = rate
        generator = Xoshiro256StarStar(seed: seed)
    }

    public var spec: LayerSpec { .dropout(rate: rate) }

    /// Training draws the batch's mask from one generator, value after value.
    public func isExampleWise(training: Bool) -> Bool { !training || rate == 0 }

    /// Restarts the mask sequence, as a re-initialized network must.
    func reseed(_ seed: UInt64) { generator = Xoshiro256StarStar(seed: seed) }

    public func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, batch: Int,
                        training: Bool, scratch: UnsafeMutableBufferPointer<Float>) {
        masked = training && rate > 0
        guard masked else {
            _ = output.update(fromContentsOf: input)
            return
        }
        if mask.count < input.count { mask = FloatBuffer(count: input.count) }
        let keep = 1 / (1 - rate)
        for i in 0..<input.count {
            mask[i] = generator.nextFloat() < rate ? 0 : keep
            output[i] = input[i] * mask[i]
        }
    }

    /// The mask of the last training forward pass; after an inference pass, gradients pass through unchanged.
    public func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                         outputGradient: UnsafeBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                         batch: Int, parameterGradients: [UnsafeMutableBufferPointer<Float>]?,
                         scratch: UnsafeMutableBufferPointer<Float>) {
        guard let inputGradient else { return }
        guard masked else {
            _ = inputGradient.update(fromContentsOf: outputGradient)
            return
        }
        for i in 0..<inputGradient.count { inputGradient[i] = outputGradient[i] * mask[i] }
    }
}
