import StimKernels

/// [channels, …positions] → [channels]: each channel's mean over all its positions.
public final class GlobalAveragePoolLayer: NetworkLayer {
    public let inputShape: [Int]
    public let outputShape: [Int]

    init(inputShape: [Int]) throws {
        guard inputShape.count >= 2, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LearnError.shape("globalAveragePool needs [channels, positions…], got \(inputShape)")
        }
        self.inputShape = inputShape
        outputShape = [inputShape[0]]
    }

    public var spec: LayerSpec { .globalAveragePool }

    var positions: Int { inputCount / inputShape[0] }

    public func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, batch: Int,
                        training: Bool, scratch: UnsafeMutableBufferPointer<Float>) {
        Pooling.globalAverageForward(input, into: output, size: positions)
    }

    public func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                         outputGradient: UnsafeBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                         batch: Int, parameterGradients: [UnsafeMutableBufferPointer<Float>]?,
                         scratch: UnsafeMutableBufferPointer<Float>) {
        guard let inputGradient else { return }
        Pooling.globalAverageBackward(outputGradient, into: inputGradient, size: positions)
    }
}
