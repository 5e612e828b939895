import Testing
@testable import StimKernels

@Suite struct FixedQuantizationTests {
    @Test func asymmetricActivationsRoundTrip() throws {
        var rng = Xoshiro256StarStar(seed: 21)
        for (lower, upper) in [(Float(-1), Float(3)), (0.5, 2), (-4, -1), (-0.001, 0.002), (0, 0)] {
            let q = try AffineQuantization(lower: lower, upper: upper)
            // 0 is exact, so zero padding and ReLU's floor are exact.
            #expect(q.dequantize(q.quantize(0)) == 0)
            #expect(q.zeroPoint >= -128 && q.zeroPoint <= 127)
            let low = min(lower, 0), high = max(upper, 0)
            for _ in 0..<1000 {
                let x = low + (high - low) * rng.nextFloat()
                #expect(abs(q.dequantize(q.quantize(x)) - x) <= q.scale * 0.5001, "x=\(x) in [\(lower), \(upper)]")
            }
            #expect(q.quantize(high + 100 * q.scale) == 127 || high == low)
            #expect(q.quantize(low - 100 * q.scale) == -128 || high == low)
        }
        // [−1, 3]: scale 4/255, zero point round(−128 + 255/4) = −64.
        let q = try AffineQuantization(lower: -1, upper: 3)
        #expect(q.scale == Float(4) / 255 && q.zeroPoint == -64)
        #expect(q.quantize(.nan) == Int8(q.zeroPoint))
        #expect(throws: QuantizationError.invalidRange(lower: 2, upper: 1)) { try AffineQuantization(lower: 2, upper: 1) }
        #expect(throws: QuantizationError.self) { try AffineQuantization(lower: -.infinity, upper: 1) }
        var out = [Int8](repeating: 0, count: 3)
        #expect(throws: QuantizationError.notFinite(index: 1)) {
            try [Float(1), .nan, 2].withUnsafeBufferPointer { v throws(QuantizationError) in
                try out.withUnsafeMutableBufferPointer { o throws(QuantizationError) in try q.quantize(v, into: o) }
            }
        }
    }

    @Test func symmetricPerChannelWeights() throws {
        var rng = Xoshiro256StarStar(seed: 22)
        let channels = 5, perChannel = 37
        var w = (0..<channels * perChannel).map { i in Float(rng.nextDouble(in: -1..<1)) * Float(i / perChannel + 1) }
        for i in 2 * perChannel..<3 * perChannel { w[i] = 0 } // an all-zero channel
        var q = [Int8](repeating: 0, count: w.count), scales = [Float](repeating: 0, count: channels)
        try w.withUnsafeBufferPointer { w throws(QuantizationError) in
            try q.withUnsafeMutableBufferPointer { q throws(QuantizationError) in
                try scales.withUnsafeMutableBufferPointer { s throws(QuantizationError) in
                    try quantizeSymmetricPerChannel(w, channels: channels, into: q, scales: s)
                }
            }
        }
        for c in 0..<channels {
            let slice = c * perChannel..<(c + 1) * perChannel
            let largest = slice.map { w[$0].magnitude }.max()!
            #expect(scales[c] == (largest > 0 ? largest / 127 : 1))
            #expect(slice.map { q[$0].magnitude }.max()! == (largest > 0 ? 127 : 0))
            for i in slice {
                #expect(abs(Float(q[i]) * scales[c] - w[i]) <= scales[c] * 0.5001)
            }
        }
    }

    /// A quantized dense layer (int8 matmul + per-channel requantization with fused ReLU) against the same layer
    /// in Double on the dequantized inputs, weights and bias: within one output step everywhere.
    @Test func denseLayerMatchesFloatWithinOneStep() throws {
        var rng = Xoshiro256StarStar(seed: 23)
        let batch = 9, inputs = 45, outputs = 7
        let x = (0..<batch * inputs).map { _ in Float(rng.nextDouble(in: -2..<3)) }
        let w = (0..<outputs * inputs).map { i in Float(rng.nextNormal()) * Float(1 + i % 3) / 8 }
        let bias = (0..<outputs).map { _ in rng.nextDouble(in: -1..<1) }

        let inQ = try AffineQuantization(lower: -2, upper: 3)
        var xq = [Int8](repeating: 0, count: x.count)
        try x.withUnsafeBufferPointer { v throws(QuantizationError) in
            try xq.withUnsafeMutableBufferPointer { o throws(QuantizationError) in try inQ.quantize(v, into: o) }
        }
        var wq = [Int8](repeating: 0, count: w.count), wScales = [Float](repeating: 0, count: outputs)
        try w.withUnsafeBufferPointer { w throws(QuantizationError) in
            try wq.withUnsafeMutableBufferPointer { q throws(QuantizationError) in
                try wScales.withUnsafeMutableBufferPointer { s throws(QuantizationError) in
                    try quantizeSymmetricPerChannel(w, channels: outputs, into: q, scales: s)
                }
            }
        }
        let accScales = wScales.map { Double(inQ.scale) * Double($0) }
        let biasQ = (0..<outputs).map { Int32(roundHalfAwayFromZero(bias[$0] / accScales[$0], within: -(1 << 31)...(1 << 31 - 1))) }

        // The float layer on the dequantized operands, with ReLU; its range sets the output quantization.
        var reference = [Double](repeating: 0, count: batch * outputs)
        for i in 0..<batch {
            for j in 0..<outputs {
                var sum = Double(biasQ[j]) * accScales[j]
                for k in 0..<inputs {
                    sum += Double(inQ.dequantize(xq[i * inputs + k])) * Double(wq[j * inputs + k]) * Double(wScales[j])
                }
                reference[i * outputs + j] = max(sum, 0)
            }
        }
        let outQ = try AffineQuantization(lower: 0, upper: Float(reference.max()!))
        let multipliers = try accScales.map { s throws(QuantizationError) in try QuantizedMultiplier(s / Double(outQ.scale)) }

        var acc = [Int32](repeating: 0, count: batch * outputs)
        var y = [Int8](repeating: 0, count: batch * outputs)
        xq.withUnsafeBufferPointer { a in
            wq.withUnsafeBufferPointer { b in
                acc.withUnsafeMutableBufferPointer {
                    Int8MatMul.optimized(a: a, aZeroPoint: inQ.zeroPoint, b: b, bZeroPoint: 0, rows: batch, columns: outputs, depth: inputs, output: $0)
                }
            }
        }
        acc.withUnsafeBufferPointer { acc in
            biasQ.withUnsafeBufferPointer { bias in
                multipliers.withUnsafeBufferPointer { m in
                    y.withUnsafeMutableBufferPointer {
                        Requantize.perChannel(acc, bias: bias, multipliers: m, channels: outputs, innerCount: 1,
                                              outputZeroPoint: outQ.zeroPoint, lower: Int8(outQ.zeroPoint), output: $0)
                    }
                }
            }
        }
        for e in y.indices {
            #expect(abs(Double(outQ.dequantize(y[e])) - reference[e]) <= Double(outQ.scale) * 1.0001, "element \(e)")
        }
        #expect(y.contains { $0 > Int8(outQ.zeroPoint) } && y.contains { $0 == Int8(outQ.zeroPoint) })
    }
}
