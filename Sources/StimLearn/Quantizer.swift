import StimFormats
import StimKernels

/// Post-training quantization (the TFLite scheme): int8 weights, symmetric per output channel; int32
/// biases at scale s_in·s_w; asymmetric int8 activations whose ranges come from running the float
/// network on calibration examples; every rescale an integer multiplier and shift. A ReLU after a dense
/// or convolution layer is fused by giving that layer the ReLU's range (the quantized 0 is the lowest
/// value, so negative results saturate to it).
public enum Quantizer {
    /// The quantized model-file form of `network`, calibrated on `calibration` (whole examples).
    public static func quantize(_ network: Sequential, calibration: [Float]) throws -> NeuralNet {
        let size = network.inputCount
        guard !calibration.isEmpty, calibration.count % size == 0 else {
            throw LearnError.data("calibration needs whole examples of \(network.inputShape), got \(calibration.count) values")
        }
        try LearnError.requireFinite(calibration, rowSize: size, row: "calibration example")
        let folded = try network.neuralNet()
        let float = try Sequential(neuralNet: folded, inputShape: network.inputShape)
        let ranges = observedRanges(float, calibration)

        var current = try quantization(ranges[0], "the input")
        var layers: [StimFormats.Layer] = []
        for (index, layer) in folded.layers.enumerated() {
            var quantized = layer
            let output = ranges[index + 1]
            let fusedRelu: Bool
            if index + 1 < folded.layers.count, case .activation(let next) = folded.layers[index + 1].kind, next.kind == .relu {
                fusedRelu = true
            } else {
                fusedRelu = false
            }
            // With a ReLU next, this layer's output is quantized over the ReLU's range [0, max].
            let range = fusedRelu ? (0, max(output.1, 0)) : output
            switch layer.kind {
            case .dense(let d):
                let q = try quantization(range, "layer \(index + 1)")
                let (weight, bias, stage) = try quantizeLinear(d.weight, d.bias, input: current, output: q, index: index)
                quantized.kind = .dense(Dense(weight: weight, bias: bias))
                quantized.outputQuantization = stage
                current = q
            case .conv1d(let c), .conv2d(let c):
                guard !c.transposed else {
                    throw LearnError.unsupported("layer \(index + 1): transposed convolutions have no integer kernel")
                }
                let q = try quantization(range, "layer \(index + 1)")
                var conv = c
                let stage: ActivationQuantization
                (conv.weight, conv.bias, stage) = try quantizeLinear(c.weight, c.bias, input: current, output: q, index: index)
                if case .conv1d = layer.kind { quantized.kind = .conv1d(conv) } else { quantized.kind = .conv2d(conv) }
                quantized.outputQuantization = stage
                current = q
            case .activation(let a) where a.kind != .relu:
                // Element-wise: the runtime tabulates all 256 inputs; only the output range is new.
                current = try quantization(output, "layer \(index + 1)")
                quantized.outputQuantization = ActivationQuantization(scale: current.scale, zeroPoint: current.zeroPoint)
            case .pool, .reshape, .activation:
                // Max, mean, reshape and ReLU keep the input's scale and zero point.
                quantized.outputQuantization = ActivationQuantization(scale: current.scale, zeroPoint: current.zeroPoint)
            }
            layers.append(quantized)
        }
        let input = try quantization(ranges[0], "the input")
        return NeuralNet(layers: layers,
                         inputQuantization: ActivationQuantization(scale: input.scale, zeroPoint: input.zeroPoint))
    }

    /// (min, max) of the input and of every layer's output over the calibration examples.
    static func observedRanges(_ network: Sequential, _ calibration: [Float]) -> [(Float, Float)] {
        var ranges = [(Float, Float)](repeating: (.infinity, -.infinity), count: network.layers.count + 1)
        let size = network.inputCount, count = calibration.count / size
        calibration.withUnsafeBufferPointer { all in
            var start = 0
            while start < count {
                let batch = min(64, count - start)
                network.forward(all.slice(start * size, batch * size), batch: batch)
                for index in 0...network.layers.count {
                    for value in network.activation(index, batch: batch) {
                        ranges[index] = (min(ranges[index].0, value), max(ranges[index].1, value))
                    }
                }
                start += batch
            }
        }
        return ranges
    }

    static func quantization(_ range: (Float, Float), _ what: String) throws -> AffineQuantization {
        do {
            return try AffineQuantization(lower: range.0, upper: range.1)
        } catch {
            throw LearnError.data("\(what) has no usable range for quantization: \(range)")
        }
    }

    /// int8 weights per output channel, int32 bias at s_in·s_w[c], multipliers s_in·s_w[c]/s_out.
    static func quantizeLinear(_ weight: Tensor, _ bias: Tensor?, input: AffineQuantization, output: AffineQuantization,
                               index: Int) throws -> (Tensor, Tensor, ActivationQuantization) {
        guard let values = weight.floats else {
            throw LearnError.unsupported("layer \(index + 1) is already quantized")
        }
        let channels = weight.shape[0]
        var q = [Int8](repeating: 0, count: values.count)
        var scales = [Float](repeating: 0, count: channels)
        do {
            try values.withUnsafeBufferPointer { v in
                try q.withUnsafeMutableBufferPointer { out in
                    try scales.withUnsafeMutableBufferPointer { s in try quantizeSymmetricPerChannel(v, channels: channels, into: out, scales: s) }
                }
            }
        } catch {
            throw LearnError.data("layer \(index + 1): weights cannot be quantized (\(error))")
        }
        let floatBias = bias?.floats ?? [Float](repeating: 0, count: channels)
        var biasValues: [Int32] = []
        var multipliers: [Int32] = [], shifts: [Int32] = []
        for c in 0..<channels {
            let accumulatorScale = Double(input.scale) * Double(scales[c])
            let scaled = (Double(floatBias[c]) / accumulatorScale).rounded()
            guard abs(scaled) < Double(Int32.max) else {
                throw LearnError.data("layer \(index + 1): bias \(floatBias[c]) does not fit int32 at scale \(accumulatorScale)")
            }
            biasValues.append(Int32(scaled))
            let m = try QuantizedMultiplier(accumulatorScale / Double(output.scale))
            multipliers.append(m.multiplier)
            shifts.append(m.shift)
        }
        return (Tensor(int8: q, shape: weight.shape, scale: scales),
                Tensor(int32: biasValues, shape: [channels], scale: (0..<channels).map { input.scale * scales[$0] }),
                ActivationQuantization(scale: output.scale, zeroPoint: output.zeroPoint, multiplier: multipliers, shift: shifts))
    }
}
