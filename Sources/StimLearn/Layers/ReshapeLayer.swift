/// Flatten or reshape: the same values in the same order under another per-example shape.
public final class ReshapeLayer: NetworkLayer {
    public let inputShape: [Int]
    public let outputShape: [Int]

    init(inputShape: [Int], outputShape: [Int]) throws {
        guard !outputShape.isEmpty, let count = valueCount(outputShape), count == valueCount(inputShape) else {
            throw LearnError.shape("reshape cannot turn \(inputShape) into \(outputShape)")
        }
        self.inputShape = inputShape
        self.outputShape = outputShape
    }

    public var spec: LayerSpec { outputShape.count == 1 ? .flatten : .reshape(outputShape) }

    public func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, batch: Int,
                        training: Bool, scratch: UnsafeMutableBufferPointer<Float>) {
        _ = output.update(fromContentsOf: input)
    }

    public func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                         outputGradient: UnsafeBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                         batch: Int, parameterGradients: [UnsafeMutableBufferPointer<Float>]?,
                         scratch: UnsafeMutableBufferPointer<Float>) {
        _ = inputGradient?.update(fromContentsOf: outputGradient)
    }
}
