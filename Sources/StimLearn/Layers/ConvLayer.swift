import StimKernels

/// 1-D (input [channels, length]) or 2-D (input [channels, height, width]) convolution, as in every
/// framework a cross-correlation; weight [filters, channels, kernel…], bias [filters].
public final class ConvLayer: NetworkLayer {
    public let inputShape: [Int]
    public let outputShape: [Int]
    public let weight: Parameter
    public let bias: Parameter?
    let geometry: ConvolutionShape

    init(inputShape: [Int], filters: Int, kernel: [Int], stride: [Int], padding: [Int], dilation: [Int],
         bias hasBias: Bool) throws {
        geometry = try Self.geometry(inputShape: inputShape, filters: filters, kernel: kernel, stride: stride,
                                     padding: padding, dilation: dilation)
        let twoD = kernel.count == 2
        self.inputShape = inputShape
        outputShape = twoD ? [filters, geometry.outHeight, geometry.outWidth] : [filters, geometry.outWidth]
        weight = Parameter(name: "weight", shape: [filters, inputShape[0]] + kernel, decays: true)
        bias = hasBias ? Parameter(name: "bias", shape: [filters], decays: false) : nil
    }

    /// The convolution of one example of `inputShape`, checked: what the layer and the integer path run.
    static func geometry(inputShape: [Int], filters: Int, kernel: [Int], stride: [Int], padding: [Int],
                         dilation: [Int]) throws -> ConvolutionShape {
        let dims = kernel.count
        let name = "conv\(dims)d"
        try requireConvolution(name, inputShape, filters: filters, kernel: kernel, stride: stride, padding: padding)
        try requirePositive(dilation, "dilation", count: dims, layer: name)
        let spatial = Array(inputShape.dropFirst())
        let twoD = dims == 2
        let geometry = ConvolutionShape(
            batch: 1, inChannels: inputShape[0], outChannels: filters,
            inHeight: twoD ? spatial[0] : 1, inWidth: spatial[dims - 1],
            kernelHeight: twoD ? kernel[0] : 1, kernelWidth: kernel[dims - 1],
            strideHeight: twoD ? stride[0] : 1, strideWidth: stride[dims - 1],
            paddingHeight: twoD ? padding[0] : 0, paddingWidth: padding[dims - 1],
            dilationHeight: twoD ? dilation[0] : 1, dilationWidth: dilation[dims - 1])
        guard geometry.isValid else {
            throw LearnError.shape("\(name): kernel \(kernel) with dilation \(dilation) does not fit input \(inputShape) padded by \(padding)")
        }
        return geometry
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public var spec: LayerSpec {
        let g = geometry
        if inputShape.count == 2 {
            return .conv1d(filters: g.outChannels, kernel: g.kernelWidth, stride: g.strideWidth, padding: g.paddingWidth,
                           dilation: g.dilationWidth, bias: bias != nil)
        }
        return .conv2d(filters: g.outChannels, kernel: [g.kernelHeight, g.kernelWidth],
                       stride: [g.strideHeight, g.strideWidth], padding: [g.paddingHeight, g.paddingWidth],
                       dilation: [g.dilationHeight, g.dilationWidth], bias: bias != nil)
    }

    func shape(batch: Int) -> ConvolutionShape {
        var s = geometry
        s.batch = batch
        return s
    }

    public func scratchCount(batch: Int) -> Int { shape(batch: batch).scratchCount }

    public func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, batch: Int,
                        training: Bool, scratch: UnsafeMutableBufferPointer<Float>) {
        Convolution.Optimized.forward(input, weight: weight.value.readOnly, bias: bias?.value.readOnly, into: output,
                                      shape: shape(batch: batch), scratch: scratch)
    }

    public func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                         outputGradient: UnsafeBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                         batch: Int, parameterGradients: [UnsafeMutableBufferPointer<Float>]?,
                         scratch: UnsafeMutableBufferPointer<Float>) {
        let s = shape(batch: batch)
        if let inputGradient {
            Convolution.Optimized.backwardInput(outputGradient, weight: weight.value.readOnly, into: inputGradient,
                                                shape: s, scratch: scratch)
        }
        guard let parameterGradients else { return }
        Convolution.Optimized.backwardWeight(outputGradient, input: input, into: parameterGradients[0],
                                             shape: s, scratch: scratch)
        if bias != nil { Convolution.backwardBias(outputGradient, into: parameterGradients[1], shape: s) }
    }
}
