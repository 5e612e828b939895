import StimKernels

/// An element-wise non-linearity.
public final class ActivationLayer: NetworkLayer {
    public enum Function: Equatable, Sendable {
        case relu
        case leakyRelu(Float)
        case sigmoid
        case tanh
    }

    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }
    public let function: Function

    init(inputShape: [Int], function: Function) {
        self.inputShape = inputShape
        self.function = function
    }

    public var spec: LayerSpec {
        switch function {
        case .relu: return .relu
        case .leakyRelu(let slope): return .leakyRelu(slope: slope)
        case .sigmoid: return .sigmoid
        case .tanh: return .tanh
        }
    }

    public func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, batch: Int,
                        training: Bool, scratch: UnsafeMutableBufferPointer<Float>) {
        switch function {
        case .relu: Activation.relu(input, into: output)
        case .leakyRelu(let slope): Activation.leakyRelu(input, slope: slope, into: output)
        case .sigmoid: Activation.sigmoid(input, into: output)
        case .tanh: Activation.tanh(input, into: output)
        }
    }

    public func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                         outputGradient: UnsafeBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                         batch: Int, parameterGradients: [UnsafeMutableBufferPointer<Float>]?,
                         scratch: UnsafeMutableBufferPointer<Float>) {
        guard let inputGradient else { return }
        switch function {
        case .relu: Activation.reluBackward(input, gradient: outputGradient, into: inputGradient)
        case .leakyRelu(let slope):
            Activation.leakyReluBackward(input, slope: slope, gradient: outputGradient, into: inputGradient)
        case .sigmoid: Activation.sigmoidBackward(output, gradient: outputGradient, into: inputGradient)
        case .tanh: Activation.tanhBackward(output, gradient: outputGradient, into: inputGradient)
        }
    }
}
