import StimFirmware
import StimFormats
import StimKernels

extension NeuralNet {
    /// The model buffer (`FirmwareFormat`, devices/README.md) of a quantized network: what `QuantizedNetwork`
    /// runs on the host and firmware runs through the C API. Refuses, as `LearnError.unsupported`, what the
    /// integer path cannot run: a float network, a missing or out-of-range quantization, mismatched shapes.
    public func firmwareBuffer(inputShape: [Int]) throws -> [UInt8] {
        guard !inputShape.isEmpty, let inputCount = valueCount(inputShape), inputCount > 0 else {
            throw LearnError.unsupported("input shape \(inputShape) is empty or oversized")
        }
        guard let inputStage = inputQuantization else {
            throw LearnError.unsupported("the network is not quantized (no input quantization): run it in float32")
        }
        var shape = inputShape
        let input = try Self.activation(inputStage, "the input")
        var current = input
        var records = FirmwareBufferWriter()
        for (index, layer) in layers.enumerated() {
            let at = "layer \(index + 1) (\(layer.name))"
            guard let stage = layer.outputQuantization else { throw LearnError.unsupported("\(at) has no output quantization") }
            let next = try Self.activation(stage, at)
            let inputCount = shape.reduce(1, *)
            switch layer.kind {
            case .dense(let d):
                guard shape.count == 1, d.weight.shape.count == 2, d.weight.shape[1] == shape[0] else {
                    throw LearnError.unsupported("\(at): dense weight \(d.weight.shape) does not fit input \(shape)")
                }
                let outputs = d.weight.shape[0]
                let (weight, bias, multipliers) = try Self.integerParameters(d.weight, d.bias, stage, channels: outputs, at)
                let start = records.beginRecord(.dense, inputCount: inputCount, outputCount: outputs)
                records.requantizationHead(input: current, output: next)
                records.count(shape[0])
                records.count(outputs)
                records.array(weight)
                records.requantization(bias, multipliers)
                records.endRecord(start)
                shape = [outputs]
            case .conv1d(let c), .conv2d(let c):
                guard !c.transposed else { throw LearnError.unsupported("\(at): transposed convolution on the integer path") }
                let geometry = try Self.convolutionShape(c, input: shape, at)
                let (weight, bias, multipliers) = try Self.integerParameters(c.weight, c.bias, stage,
                                                                             channels: geometry.outChannels, at)
                var packed = [Int16](repeating: 0, count: Int8Convolution.packedWeightCount(geometry))
                weight.withUnsafeBufferPointer { w in
                    packed.withUnsafeMutableBufferPointer { Int8Convolution.packWeights(w, shape: geometry, into: $0) }
                }
                let start = records.beginRecord(.convolution, inputCount: inputCount, outputCount: geometry.outputCount)
                records.requantizationHead(input: current, output: next)
                for value in [geometry.inChannels, geometry.outChannels, geometry.groups, geometry.inHeight, geometry.inWidth,
                              geometry.kernelHeight, geometry.kernelWidth, geometry.strideHeight, geometry.strideWidth,
                              geometry.paddingHeight, geometry.paddingWidth, geometry.dilationHeight, geometry.dilationWidth] {
                    records.count(value)
                }
                records.array(packed)
                records.requantization(bias, multipliers)
                records.endRecord(start)
                shape = shape.count == 3 ? [geometry.outChannels, geometry.outHeight, geometry.outWidth]
                    : [geometry.outChannels, geometry.outWidth]
            case .pool(let p):
                guard next == current else { throw LearnError.unsupported("\(at): pooling must keep its input's quantization") }
                if p.kind == .globalAverage {
                    guard shape.count >= 2 else { throw LearnError.unsupported("\(at): global pooling of \(shape)") }
                    let start = records.beginRecord(.globalAveragePool, inputCount: inputCount, outputCount: shape[0])
                    records.count(shape[0])
                    records.count(inputCount / shape[0])
                    records.endRecord(start)
                    shape = [shape[0]]
                } else {
                    let g = try Self.poolShape(p, input: shape, at)
                    let start = records.beginRecord(p.kind == .max ? .maxPool : .averagePool, inputCount: inputCount,
                                                    outputCount: g.outputCount)
                    for value in [g.channels, g.inHeight, g.inWidth, g.kernelHeight, g.kernelWidth, g.strideHeight,
                                  g.strideWidth, g.paddingHeight, g.paddingWidth] {
                        records.count(value)
                    }
                    records.endRecord(start)
                    shape = shape.count == 3 ? [shape[0], g.outHeight, g.outWidth] : [shape[0], g.outWidth]
                }
            case .activation(let a):
                if a.kind == .relu {
                    guard next == current else { throw LearnError.unsupported("\(at): ReLU must keep its input's quantization") }
                    let start = records.beginRecord(.relu, inputCount: inputCount, outputCount: inputCount)
                    records.int32(current.zeroPoint)
                    records.endRecord(start)
                } else {
                    let table = try Self.table(a, from: current, to: next, at)
                    let start = records.beginRecord(.table, inputCount: inputCount, outputCount: inputCount)
                    records.array(table)
                    records.endRecord(start)
                }
            case .reshape(let target):
                // Nothing moves: no record.
                let newShape = target.isEmpty ? [inputCount] : target
                guard valueCount(newShape) == inputCount, next == current else {
                    throw LearnError.unsupported("\(at): reshape of \(shape) to \(target)")
                }
                shape = newShape
            }
            current = next
        }
        guard shape.count == 1, shape[0] >= 2 else {
            throw LearnError.unsupported("the network ends in \(shape), not one score per class")
        }
        let limit = FirmwareFormat.maxDimension
        let channels = inputShape.count == 1 ? 1 : inputShape[0]
        guard channels <= limit, inputCount / channels <= limit, shape[0] <= limit else {
            throw LearnError.unsupported("input \(inputShape) or \(shape[0]) classes exceed the buffer's limit of \(limit)")
        }
        var buffer = FirmwareBufferWriter()
        let m = FirmwareFormat.magic
        buffer.array([m.0, m.1, m.2, m.3])
        buffer.word(UInt32(FirmwareFormat.version) | UInt32(FirmwareFormat.Kind.neuralNetwork.rawValue) << 16)
        buffer.word(0)
        buffer.count(channels)
        buffer.count(inputCount / channels)
        buffer.count(shape[0])
        buffer.float(input.scale)
        buffer.int32(input.zeroPoint)
        buffer.float(current.scale)
        buffer.int32(current.zeroPoint)
        buffer.count(records.recordCount)
        buffer.array(records.bytes)
        buffer.finish(totalAt: 8)
        return buffer.bytes
    }

    // The integer path's checks of a layer's quantization and geometry.

    /// An int8 activation quantization: positive finite scale, zero point inside int8.
    private static func activation(_ stage: ActivationQuantization, _ at: String) throws -> AffineQuantization {
        guard stage.scale > 0, stage.scale.isFinite, (-128...127).contains(stage.zeroPoint) else {
            throw LearnError.unsupported("\(at): activation scale \(stage.scale) or zero point \(stage.zeroPoint) is not int8")
        }
        return AffineQuantization(scale: stage.scale, zeroPoint: stage.zeroPoint)
    }

    private static func integerParameters(_ weight: Tensor, _ bias: Tensor?, _ stage: ActivationQuantization, channels: Int,
                                  _ at: String) throws -> ([Int8], [Int32], [QuantizedMultiplier]) {
        guard weight.dtype == .int8, let w = weight.integers, w.count == weight.elementCount else {
            throw LearnError.unsupported("\(at): weights are \(weight.dtype), the integer path needs int8")
        }
        let b: [Int32]
        if let bias {
            guard bias.dtype == .int32, let values = bias.integers, values.count == channels else {
                throw LearnError.unsupported("\(at): the bias must be \(channels) int32 values")
            }
            b = values
        } else {
            b = Array(repeating: 0, count: channels)
        }
        guard stage.multiplier.count == channels, stage.shift.count == channels,
              stage.shift.allSatisfy({ (-31...30).contains($0) }) else {
            throw LearnError.unsupported("\(at): needs one multiplier and shift (−31…30) per output channel")
        }
        let multipliers = zip(stage.multiplier, stage.shift).map { QuantizedMultiplier(multiplier: $0, shift: $1) }
        return (w.map { Int8(truncatingIfNeeded: $0) }, b, multipliers)
    }

    /// The layers' own checked geometry (`ConvLayer.geometry`), refused as unsupported here; the im2col
    /// columns must stay within the engine's size limit as well.
    private static func convolutionShape(_ c: Conv, input shape: [Int], _ at: String) throws -> ConvolutionShape {
        let dims = shape.count - 1
        guard dims == 1 || dims == 2, c.weight.shape.count == dims + 2, c.weight.shape[1] == shape[0] else {
            throw LearnError.unsupported("\(at): convolution weight \(c.weight.shape) does not fit input \(shape)")
        }
        let (kernel, stride, padding, dilation) = c.hyperparameters(dims: dims)
        let s: ConvolutionShape
        do {
            s = try ConvLayer.geometry(inputShape: shape, filters: c.weight.shape[0], kernel: kernel, stride: stride,
                                       padding: padding, dilation: dilation)
        } catch {
            throw LearnError.unsupported("\(at): \(error)")
        }
        guard valueCount([s.outChannels, s.outHeight, s.outWidth]) != nil,
              valueCount([s.inChannels, s.kernelHeight, s.kernelWidth, s.outHeight, s.outWidth]) != nil else {
            throw LearnError.unsupported("\(at): convolution does not fit input \(shape)")
        }
        return s
    }

    private static func poolShape(_ p: Pool, input shape: [Int], _ at: String) throws -> PoolShape {
        do {
            return try PoolLayer.geometry(inputShape: shape, kind: p.kind == .max ? .max : .average, kernel: p.size,
                                          stride: p.windowStride)
        } catch {
            throw LearnError.unsupported("\(at): \(error)")
        }
    }

    /// out[q + 128] = quantize(f(dequantize(q))) for every int8 q, with the libm-free FloatMath functions,
    /// so every device builds the same table.
    private static func table(_ a: StimFormats.Activation, from input: AffineQuantization, to output: AffineQuantization,
                      _ at: String) throws -> [Int8] {
        let function: (Float) -> Float
        switch a.kind {
        case .leakyRelu: function = { $0 > 0 ? $0 : a.alpha * $0 }
        case .sigmoid: function = FloatMath.sigmoid
        case .tanh: function = FloatMath.tanh
        case .relu: function = { max($0, 0) }
        case .softmax: throw LearnError.unsupported("\(at): softmax on the integer path (students output logits)")
        }
        return (-128...127).map { q in output.quantize(function(input.dequantize(Int8(q)))) }
    }
}

extension FirmwareBufferWriter {
    /// Zero points and clamp range (the whole int8 range: a ReLU is its own record) of a dense or convolution record.
    mutating func requantizationHead(input: AffineQuantization, output: AffineQuantization) {
        int32(input.zeroPoint)
        int32(output.zeroPoint)
        int32(-128)
        int32(127)
    }

    mutating func requantization(_ bias: [Int32], _ multipliers: [QuantizedMultiplier]) {
        array(bias)
        array(multipliers.flatMap { [$0.multiplier, $0.shift] })
    }
}
