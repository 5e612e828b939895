import StimFormats
import StimKernels

/// Inference on the integer path only: a window's float samples are quantized once at the input, then
/// every layer works on int8 values with int32 accumulators and integer requantization, up to int8 class
/// scores. The same model gives the same bits on every device (no floating point after the input).
///
/// All working memory is one arena of `arenaBytes`, computed from the layer shapes when the model loads:
/// two int8 activation buffers that layers alternate between, and the largest scratch any kernel needs.
public final class QuantizedNetwork {
    enum Operation {
        case dense(weight: [Int8], bias: [Int32], multipliers: [QuantizedMultiplier], stage: Int8Output,
                   inputZeroPoint: Int32, inputs: Int, outputs: Int)
        /// The weights packed once by `Int8Convolution.packWeights`.
        case conv(packedWeight: [Int16], bias: [Int32], multipliers: [QuantizedMultiplier], stage: Int8Output,
                  inputZeroPoint: Int32, shape: ConvolutionShape)
        case maxPool(PoolShape)
        case averagePool(PoolShape)
        case globalAverage(positions: Int)
        /// ReLU: a clamp at the zero point, in place.
        case relu(zeroPoint: Int8)
        /// Any other element-wise function, tabulated for the 256 int8 inputs, in place.
        case table([Int8])
        /// Reshape or flatten: nothing moves.
        case none
    }

    struct Step {
        var operation: Operation
        var inputCount: Int
        var outputCount: Int
        var inPlace: Bool
        var scratchBytes: Int
    }

    public let inputShape: [Int]
    public let classes: Int
    public let inputQuantization: AffineQuantization
    /// Scale and zero point of the int8 class scores.
    public let outputQuantization: AffineQuantization
    /// Bytes of working memory inference uses, the arena included, whatever the input.
    public let arenaBytes: Int
    let steps: [Step]
    let scratchBytes: Int
    let bufferBytes: (Int, Int)
    let arena: UnsafeMutableRawBufferPointer
    /// Highest arena offset the last inference wrote, for checking `arenaBytes` against use.
    private(set) var peakBytes = 0

    public init(neuralNet: NeuralNet, inputShape: [Int]) throws {
        guard !inputShape.isEmpty, valueCount(inputShape) != nil else {
            throw LearnError.unsupported("input shape \(inputShape) is empty or oversized")
        }
        guard let inputStage = neuralNet.inputQuantization else {
            throw LearnError.unsupported("the network is not quantized (no input quantization): run it in float32")
        }
        var shape = inputShape
        var current = try Self.activation(inputStage, "the input")
        let input = current
        var steps: [Step] = []
        for (index, layer) in neuralNet.layers.enumerated() {
            let at = "layer \(index + 1) (\(layer.name))"
            guard let stage = layer.outputQuantization else { throw LearnError.unsupported("\(at) has no output quantization") }
            let next = try Self.activation(stage, at)
            let inputCount = shape.reduce(1, *)
            let step: Step
            switch layer.kind {
            case .dense(let d):
                guard shape.count == 1, d.weight.shape.count == 2, d.weight.shape[1] == shape[0] else {
                    throw LearnError.unsupported("\(at): dense weight \(d.weight.shape) does not fit input \(shape)")
                }
                let outputs = d.weight.shape[0]
                let (weight, bias, multipliers) = try Self.integerParameters(d.weight, d.bias, stage, channels: outputs, at)
                step = Step(operation: .dense(weight: weight, bias: bias, multipliers: multipliers,
                                              stage: Int8Output(zeroPoint: next.zeroPoint), inputZeroPoint: current.zeroPoint,
                                              inputs: shape[0], outputs: outputs),
                            inputCount: inputCount, outputCount: outputs, inPlace: false, scratchBytes: 0)
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
                step = Step(operation: .conv(packedWeight: packed, bias: bias, multipliers: multipliers,
                                             stage: Int8Output(zeroPoint: next.zeroPoint), inputZeroPoint: current.zeroPoint,
                                             shape: geometry),
                            inputCount: inputCount, outputCount: geometry.outputCount, inPlace: false,
                            scratchBytes: Int8Convolution.packedScratchCount(geometry))
                shape = shape.count == 3 ? [geometry.outChannels, geometry.outHeight, geometry.outWidth]
                    : [geometry.outChannels, geometry.outWidth]
            case .pool(let p):
                guard next == current else { throw LearnError.unsupported("\(at): pooling must keep its input's quantization") }
                if p.kind == .globalAverage {
                    guard shape.count >= 2 else { throw LearnError.unsupported("\(at): global pooling of \(shape)") }
                    step = Step(operation: .globalAverage(positions: inputCount / shape[0]), inputCount: inputCount,
                                outputCount: shape[0], inPlace: false, scratchBytes: 0)
                    shape = [shape[0]]
                } else {
                    let geometry = try Self.poolShape(p, input: shape, at)
                    let isMax = p.kind == .max
                    step = Step(operation: isMax ? .maxPool(geometry) : .averagePool(geometry), inputCount: inputCount,
                                outputCount: geometry.outputCount, inPlace: false,
                                scratchBytes: isMax ? IntegerMaxPool.scratchCount(geometry)
                                    : 4 * IntegerAveragePool.scratchCount(geometry))
                    shape = shape.count == 3 ? [shape[0], geometry.outHeight, geometry.outWidth] : [shape[0], geometry.outWidth]
                }
            case .activation(let a):
                if a.kind == .relu {
                    guard next == current else { throw LearnError.unsupported("\(at): ReLU must keep its input's quantization") }
                    step = Step(operation: .relu(zeroPoint: Int8(current.zeroPoint)), inputCount: inputCount,
                                outputCount: inputCount, inPlace: true, scratchBytes: 0)
                } else {
                    step = Step(operation: .table(try Self.table(a, from: current, to: next, at)), inputCount: inputCount,
                                outputCount: inputCount, inPlace: true, scratchBytes: 0)
                }
            case .reshape(let target):
                let newShape = target.isEmpty ? [inputCount] : target
                guard valueCount(newShape) == inputCount, next == current else {
                    throw LearnError.unsupported("\(at): reshape of \(shape) to \(target)")
                }
                step = Step(operation: .none, inputCount: inputCount, outputCount: inputCount, inPlace: true, scratchBytes: 0)
                shape = newShape
            }
            steps.append(step)
            current = next
        }
        guard shape.count == 1, shape[0] >= 2 else {
            throw LearnError.unsupported("the network ends in \(shape), not one score per class")
        }
        self.inputShape = inputShape
        self.steps = steps
        classes = shape[0]
        inputQuantization = input
        outputQuantization = current
        // Buffer 0 holds the input; each layer that does not work in place writes the other buffer.
        var sizes = (inputShape.reduce(1, *), 0)
        var inFirst = true
        for step in steps where !step.inPlace {
            inFirst.toggle()
            if inFirst { sizes.0 = max(sizes.0, step.outputCount) } else { sizes.1 = max(sizes.1, step.outputCount) }
        }
        bufferBytes = sizes
        // Scratch first, at the arena's aligned start: the average pool's is int32.
        scratchBytes = ((steps.map(\.scratchBytes).max() ?? 0) + 3) / 4 * 4
        arenaBytes = scratchBytes + sizes.0 + sizes.1
        arena = .allocate(byteCount: max(arenaBytes, 1), alignment: 16)
    }

    deinit { arena.deallocate() }

    /// int8 class scores of one example; the scores' quantization is `outputQuantization`.
    public func scores(_ example: UnsafeBufferPointer<Float>) throws -> [Int8] {
        let result = try run(example)
        return Array(result)
    }

    /// The most probable class of one example, with no allocation.
    public func classify(_ example: UnsafeBufferPointer<Float>) throws -> Int {
        let result = try run(example)
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 1) { best in
            IntegerArgmax.optimized(result, classes: classes, into: best)
            return best[0]
        }
    }

    /// Dequantized scores (logits) of any number of examples.
    public func predict(_ inputs: [Float]) throws -> [Float] {
        let size = inputShape.reduce(1, *)
        precondition(inputs.count % size == 0, "predict needs whole examples of \(inputShape)")
        var logits: [Float] = []
        logits.reserveCapacity(inputs.count / size * classes)
        try inputs.withUnsafeBufferPointer { all in
            for start in stride(from: 0, to: inputs.count, by: size) {
                for q in try run(all.slice(start, size)) { logits.append(outputQuantization.dequantize(q)) }
            }
        }
        return logits
    }

    private func run(_ example: UnsafeBufferPointer<Float>) throws -> UnsafeBufferPointer<Int8> {
        let size = inputShape.reduce(1, *)
        guard example.count == size else {
            throw LearnError.data("an example of \(inputShape) has \(size) values, got \(example.count)")
        }
        let base = arena.baseAddress!
        let scratchRaw = UnsafeMutableRawBufferPointer(start: base, count: scratchBytes)
        let scratch8 = UnsafeMutableBufferPointer(start: base.assumingMemoryBound(to: Int8.self), count: scratchBytes)
        let scratch32 = UnsafeMutableBufferPointer(start: base.assumingMemoryBound(to: Int32.self), count: scratchBytes / 4)
        let buffers = [
            (base + scratchBytes).assumingMemoryBound(to: Int8.self),
            (base + scratchBytes + bufferBytes.0).assumingMemoryBound(to: Int8.self),
        ]
        var peak = scratchBytes + size
        do {
            try inputQuantization.quantize(example, into: UnsafeMutableBufferPointer(start: buffers[0], count: size))
        } catch {
            throw LearnError.data("the example holds a non-finite value (\(error))")
        }
        var from = 0
        for step in steps {
            let to = step.inPlace ? from : 1 - from
            let input = UnsafeBufferPointer(start: buffers[from], count: step.inputCount)
            let output = UnsafeMutableBufferPointer(start: buffers[to], count: step.outputCount)
            switch step.operation {
            case .dense(let weight, let bias, let multipliers, let stage, let zero, let inputs, let outputs):
                weight.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        multipliers.withUnsafeBufferPointer { m in
                            Int8Dense.optimized(input, inputZeroPoint: zero, weight: w, bias: b, multipliers: m, output: stage,
                                                into: output, batch: 1, inputs: inputs, outputs: outputs)
                        }
                    }
                }
            case .conv(let weight, let bias, let multipliers, let stage, let zero, let shape):
                weight.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        multipliers.withUnsafeBufferPointer { m in
                            Int8Convolution.optimized(input, inputZeroPoint: zero, packedWeight: w, bias: b, multipliers: m,
                                                      output: stage, into: output, shape: shape,
                                                      scratch: UnsafeMutableRawBufferPointer(rebasing: scratchRaw[0..<step.scratchBytes]))
                        }
                    }
                }
            case .maxPool(let shape):
                IntegerMaxPool.optimized(input, into: output, shape: shape,
                                         scratch: UnsafeMutableBufferPointer(rebasing: scratch8[0..<step.scratchBytes]))
            case .averagePool(let shape):
                IntegerAveragePool.optimized(input, into: output, shape: shape,
                                             scratch: UnsafeMutableBufferPointer(rebasing: scratch32[0..<(step.scratchBytes / 4)]))
            case .globalAverage(let positions):
                IntegerAveragePool.globalOptimized(input, into: output, size: positions)
            case .relu(let zeroPoint):
                IntegerReLU.optimized(output, zeroPoint: zeroPoint)
            case .table(let table):
                for i in 0..<output.count { output[i] = table[Int(output[i]) + 128] }
            case .none:
                break
            }
            peak = max(peak, scratchBytes + (to == 0 ? 0 : bufferBytes.0) + step.outputCount)
            from = to
        }
        peakBytes = peak
        return UnsafeBufferPointer(start: buffers[from], count: classes)
    }

    /// An int8 activation quantization: positive finite scale, zero point inside int8.
    static func activation(_ stage: ActivationQuantization, _ at: String) throws -> AffineQuantization {
        guard stage.scale > 0, stage.scale.isFinite, (-128...127).contains(stage.zeroPoint) else {
            throw LearnError.unsupported("\(at): activation scale \(stage.scale) or zero point \(stage.zeroPoint) is not int8")
        }
        return AffineQuantization(scale: stage.scale, zeroPoint: stage.zeroPoint)
    }

    static func integerParameters(_ weight: Tensor, _ bias: Tensor?, _ stage: ActivationQuantization, channels: Int,
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
    static func convolutionShape(_ c: Conv, input shape: [Int], _ at: String) throws -> ConvolutionShape {
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

    static func poolShape(_ p: Pool, input shape: [Int], _ at: String) throws -> PoolShape {
        do {
            return try PoolLayer.geometry(inputShape: shape, kind: p.kind == .max ? .max : .average, kernel: p.size,
                                          stride: p.windowStride)
        } catch {
            throw LearnError.unsupported("\(at): \(error)")
        }
    }

    /// out[q + 128] = quantize(f(dequantize(q))) for every int8 q, with the libm-free FloatMath functions,
    /// so every device builds the same table.
    static func table(_ a: StimFormats.Activation, from input: AffineQuantization, to output: AffineQuantization,
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
