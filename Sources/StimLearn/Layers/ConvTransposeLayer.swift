import StimKernels

/// Transposed convolution (the upsampling layer of generators): the input-gradient of the convolution
/// that maps this layer's output back to its input. Weight [channels, filters, kernel…] as in PyTorch.
public final class ConvTransposeLayer: NetworkLayer {
    public let inputShape: [Int]
    public let outputShape: [Int]
    public let weight: Parameter
    public let bias: Parameter?
    let outputPadding: [Int]
    /// The forward convolution from this layer's output ([filters, …]) to its input ([channels, …]).
    let adjoint: ConvolutionShape

    init(inputShape: [Int], filters: Int, kernel: [Int], stride: [Int], padding: [Int], outputPadding: [Int],
         bias hasBias: Bool) throws {
        let dims = kernel.count
        let name = "convTranspose\(dims)d"
        try requireConvolution(name, inputShape, filters: filters, kernel: kernel, stride: stride, padding: padding)
        guard outputPadding.count == dims, zip(outputPadding, stride).allSatisfy({ $0 >= 0 && $0 < $1 }) else {
            throw LearnError.shape("\(name) needs padding ≥ 0 and 0 ≤ outputPadding < stride per axis")
        }
        let spatialIn = Array(inputShape.dropFirst())
        let spatialOut: [Int] = (0..<dims).map { axis in
            let stretched: Int = (spatialIn[axis] - 1) * stride[axis]
            return stretched - 2 * padding[axis] + kernel[axis] + outputPadding[axis]
        }
        guard valueCount([filters] + spatialOut) != nil else {
            throw LearnError.shape("\(name): output \(spatialOut) of input \(inputShape) is empty or oversized")
        }
        let twoD = dims == 2
        adjoint = ConvolutionShape(
            batch: 1, inChannels: filters, outChannels: inputShape[0],
            inHeight: twoD ? spatialOut[0] : 1, inWidth: spatialOut[dims - 1],
            kernelHeight: twoD ? kernel[0] : 1, kernelWidth: kernel[dims - 1],
            strideHeight: twoD ? stride[0] : 1, strideWidth: stride[dims - 1],
            paddingHeight: twoD ? padding[0] : 0, paddingWidth: padding[dims - 1])
        guard adjoint.isValid, adjoint.outWidth == spatialIn[dims - 1], !twoD || adjoint.outHeight == spatialIn[0] else {
            throw LearnError.shape("\(name): kernel \(kernel) and padding \(padding) do not fit input \(inputShape)")
        }
        self.inputShape = inputShape
        self.outputPadding = outputPadding
        outputShape = [filters] + spatialOut
        weight = Parameter(name: "weight", shape: [inputShape[0], filters] + kernel, decays: true)
        bias = hasBias ? Parameter(name: "bias", shape: [filters], decays: false) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public var spec: LayerSpec {
        let a = adjoint
        if inputShape.count == 2 {
            return .convTranspose1d(filters: a.inChannels, kernel: a.kernelWidth, stride: a.strideWidth,
                                    padding: a.paddingWidth, outputPadding: outputPadding[0], bias: bias != nil)
        }
        return .convTranspose2d(filters: a.inChannels, kernel: [a.kernelHeight, a.kernelWidth],
                                stride: [a.strideHeight, a.strideWidth], padding: [a.paddingHeight, a.paddingWidth],
                                outputPadding: outputPadding, bias: bias != nil)
    }

    func shape(batch: Int) -> ConvolutionShape {
        var s = adjoint
        s.batch = batch
        return s
    }

    public func scratchCount(batch: Int) -> Int { shape(batch: batch).scratchCount }

    public func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, batch: Int,
                        training: Bool, scratch: UnsafeMutableBufferPointer<Float>) {
        Convolution.Optimized.backwardInput(input, weight: weight.value.readOnly, into: output,
                                            shape: shape(batch: batch), scratch: scratch)
        guard let bias else { return }
        let (channels, plane) = (outputShape[0], outputCount / outputShape[0])
        var index = 0
        for _ in 0..<batch {
            for channel in 0..<channels {
                let b = bias.value[channel]
                for _ in 0..<plane {
                    output[index] += b
                    index += 1
                }
            }
        }
    }

    public func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                         outputGradient: UnsafeBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                         batch: Int, parameterGradients: [UnsafeMutableBufferPointer<Float>]?,
                         scratch: UnsafeMutableBufferPointer<Float>) {
        let s = shape(batch: batch)
        if let inputGradient {
            Convolution.Optimized.forward(outputGradient, weight: weight.value.readOnly, bias: nil, into: inputGradient,
                                          shape: s, scratch: scratch)
        }
        guard let parameterGradients else { return }
        // The adjoint convolution's weight gradient, with this layer's input as its output gradient.
        Convolution.Optimized.backwardWeight(input, input: outputGradient, into: parameterGradients[0], shape: s,
                                             scratch: scratch)
        guard bias != nil else { return }
        Convolution.backwardBias(outputGradient, into: parameterGradients[1], shape: ConvolutionShape(
            batch: batch, inChannels: 1, outChannels: outputShape[0], inHeight: 1, inWidth: outputCount / outputShape[0],
            kernelHeight: 1, kernelWidth: 1))
    }
}
