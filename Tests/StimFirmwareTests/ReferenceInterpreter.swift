import StimFormats
import StimKernels

/// Runs a quantized 1-D `NeuralNet` (convolutions, ReLU, max pooling, global average pooling, dense) with
/// the reference kernels on its own unpacked weights, straight from the StimFormats values: the check that the
/// model buffer's records, packing and buffer juggling change nothing.
enum ReferenceInterpreter {
    static func scores(_ net: NeuralNet, window: [Float], length: Int) -> [Int8] {
        var zero = net.inputQuantization!.zeroPoint
        let input = AffineQuantization(scale: net.inputQuantization!.scale, zeroPoint: zero)
        var values = window.map { input.quantize($0) }
        var channels = window.count / length, width = length
        for layer in net.layers {
            let stage = layer.outputQuantization!
            let multipliers = zip(stage.multiplier, stage.shift).map { QuantizedMultiplier(multiplier: $0, shift: $1) }
            var output: [Int8]
            switch layer.kind {
            case .conv1d(let c):
                let shape = ConvolutionShape.oneDimensional(batch: 1, inChannels: channels, outChannels: c.weight.shape[0],
                                                            length: width, kernel: c.weight.shape[2],
                                                            stride: c.stride.first ?? 1, padding: c.padding.first ?? 0,
                                                            dilation: c.dilation.first ?? 1)
                output = [Int8](repeating: 0, count: shape.outputCount)
                withLayer(values, c.weight, c.bias!, multipliers, &output) { x, w, b, m, y in
                    Int8Convolution.reference(x, inputZeroPoint: zero, weight: w, bias: b, multipliers: m,
                                              output: Int8Output(zeroPoint: stage.zeroPoint), into: y, shape: shape)
                }
                (channels, width) = (shape.outChannels, shape.outWidth)
            case .dense(let d):
                output = [Int8](repeating: 0, count: d.weight.shape[0])
                withLayer(values, d.weight, d.bias!, multipliers, &output) { x, w, b, m, y in
                    Int8Dense.reference(x, inputZeroPoint: zero, weight: w, bias: b, multipliers: m,
                                        output: Int8Output(zeroPoint: stage.zeroPoint), into: y, batch: 1,
                                        inputs: x.count, outputs: y.count)
                }
            case .activation:
                output = values
                output.withUnsafeMutableBufferPointer { IntegerReLU.reference($0, zeroPoint: Int8(zero)) }
            case .pool(let p) where p.kind == .globalAverage:
                output = [Int8](repeating: 0, count: channels)
                values.withUnsafeBufferPointer { x in
                    output.withUnsafeMutableBufferPointer { IntegerAveragePool.globalReference(x, into: $0, size: width) }
                }
                width = 1
            case .pool(let p):
                let shape = PoolShape.oneDimensional(batch: 1, channels: channels, length: width, kernel: p.size[0],
                                                     stride: p.stride.first ?? p.size[0])
                output = [Int8](repeating: 0, count: shape.outputCount)
                values.withUnsafeBufferPointer { x in
                    output.withUnsafeMutableBufferPointer { IntegerMaxPool.reference(x, into: $0, shape: shape) }
                }
                width = shape.outWidth
            default:
                fatalError("the reference interpreter runs the student CNN's layers only")
            }
            values = output
            zero = stage.zeroPoint
        }
        return values
    }

    /// The buffers of a weighted layer: input, int8 weights, int32 bias, multipliers, output.
    static func withLayer(_ input: [Int8], _ weight: Tensor, _ bias: Tensor, _ multipliers: [QuantizedMultiplier],
                          _ output: inout [Int8],
                          _ body: (UnsafeBufferPointer<Int8>, UnsafeBufferPointer<Int8>, UnsafeBufferPointer<Int32>,
                                   UnsafeBufferPointer<QuantizedMultiplier>, UnsafeMutableBufferPointer<Int8>) -> Void) {
        let w = weight.integers!.map { Int8($0) }, b = bias.integers!
        input.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                b.withUnsafeBufferPointer { b in
                    multipliers.withUnsafeBufferPointer { m in output.withUnsafeMutableBufferPointer { body(x, w, b, m, $0) } }
                }
            }
        }
    }
}
