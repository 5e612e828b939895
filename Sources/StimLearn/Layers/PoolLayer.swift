import StimKernels

/// Max or average pooling over [channels, length] or [channels, height, width], without padding.
public final class PoolLayer: NetworkLayer {
    public enum Kind: Sendable { case max, average }

    public let inputShape: [Int]
    public let outputShape: [Int]
    public let kind: Kind
    let geometry: PoolShape

    init(inputShape: [Int], kind: Kind, kernel: [Int], stride: [Int]) throws {
        geometry = try Self.geometry(inputShape: inputShape, kind: kind, kernel: kernel, stride: stride)
        let twoD = kernel.count == 2
        self.inputShape = inputShape
        self.kind = kind
        outputShape = twoD ? [inputShape[0], geometry.outHeight, geometry.outWidth] : [inputShape[0], geometry.outWidth]
    }

    /// The pooling of one example of `inputShape`, checked: what the layer and the integer path run.
    static func geometry(inputShape: [Int], kind: Kind, kernel: [Int], stride: [Int]) throws -> PoolShape {
        let dims = kernel.count
        let name = "\(kind == .max ? "max" : "average")Pool\(dims)d"
        guard dims == 1 || dims == 2 else { throw LearnError.shape("\(name): kernel must have 1 or 2 sizes") }
        try requireShape(inputShape, rank: dims + 1, layer: name)
        try requirePositive(kernel, "kernel", count: dims, layer: name)
        try requirePositive(stride, "stride", count: dims, layer: name)
        let spatial = Array(inputShape.dropFirst())
        guard zip(spatial, kernel).allSatisfy({ $0 >= $1 }) else {
            throw LearnError.shape("\(name): kernel \(kernel) is larger than input \(inputShape)")
        }
        let twoD = dims == 2
        return PoolShape(batch: 1, channels: inputShape[0], inHeight: twoD ? spatial[0] : 1, inWidth: spatial[dims - 1],
                         kernelHeight: twoD ? kernel[0] : 1, kernelWidth: kernel[dims - 1],
                         strideHeight: twoD ? stride[0] : 1, strideWidth: stride[dims - 1])
    }

    public var spec: LayerSpec {
        let g = geometry
        switch (kind, inputShape.count) {
        case (.max, 2): return .maxPool1d(kernel: g.kernelWidth, stride: g.strideWidth)
        case (.max, _): return .maxPool2d(kernel: [g.kernelHeight, g.kernelWidth], stride: [g.strideHeight, g.strideWidth])
        case (.average, 2): return .averagePool1d(kernel: g.kernelWidth, stride: g.strideWidth)
        case (.average, _):
            return .averagePool2d(kernel: [g.kernelHeight, g.kernelWidth], stride: [g.strideHeight, g.strideWidth])
        }
    }

    func shape(batch: Int) -> PoolShape {
        var s = geometry
        s.batch = batch
        return s
    }

    public func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, batch: Int,
                        training: Bool, scratch: UnsafeMutableBufferPointer<Float>) {
        switch kind {
        case .max: Pooling.maxForward(input, into: output, shape: shape(batch: batch))
        case .average: Pooling.averageForward(input, into: output, shape: shape(batch: batch))
        }
    }

    public func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                         outputGradient: UnsafeBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                         batch: Int, parameterGradients: [UnsafeMutableBufferPointer<Float>]?,
                         scratch: UnsafeMutableBufferPointer<Float>) {
        guard let inputGradient else { return }
        switch kind {
        case .max:
            Pooling.maxBackward(input, outputGradient: outputGradient, into: inputGradient, shape: shape(batch: batch))
        case .average:
            Pooling.averageBackward(outputGradient, into: inputGradient, shape: shape(batch: batch))
        }
    }
}
