import Testing
@testable import StimKernels

@Suite struct FixedDenseTests {
    static let half = try! QuantizedMultiplier(0.5)

    // By hand: input [1, 3] with zero point 1 is [0, 2]; weights [2, −1] and [1, 1], bias [5, −2] give
    // accumulators [3, 0]; × ½ is [1.5, 0], rounded half away from zero [2, 0]; output zero point −3.
    @Test func int8HandComputed() {
        for optimized in [false, true] {
            #expect(FixedLayers.int8Dense(optimized: optimized, [1, 3], zeroPoint: 1, [2, -1, 1, 1], [5, -2], [Self.half, Self.half],
                                          Int8Output(zeroPoint: -3), batch: 1, inputs: 2, outputs: 2) == [-1, -3])
        }
    }

    // By hand: 1000·3 − 2000·4 + 100 = −4900, and −4901 · ½ = −2450.5 rounds toward +∞ to −2450.
    @Test func int16HandComputed() {
        for optimized in [false, true] {
            #expect(FixedLayers.int16Dense(optimized: optimized, [1000, -2000], [3, 4, 3, 4], [100, 99], [Self.half, Self.half],
                                           Int16Output(), batch: 1, inputs: 2, outputs: 2) == [-2450, -2450])
        }
    }

    @Test func optimizedIsBitExactOnRandomShapes() {
        var rng = Xoshiro256StarStar(seed: 41)
        var shapes = [(1, 1, 1), (1, 16, 4), (2, 15, 5), (3, 17, 3), (1, 33, 8), (4, 100, 9), (1, 1, 13)]
        for _ in 0..<150 { shapes.append((rng.nextInt(in: 1...5), rng.nextInt(in: 1...80), rng.nextInt(in: 1...11))) }
        for (batch, inputs, outputs) in shapes {
            let w = FixedRandom.int8s(outputs * inputs, &rng), m = FixedLayers.multipliers(outputs, &rng)
            let bias: [Int32]? = rng.nextInt(in: 0..<4) == 0 ? nil : (0..<outputs).map { _ in Int32(rng.nextInt(in: -50_000...50_000)) }
            let x = FixedRandom.int8s(batch * inputs, &rng), zero = FixedRandom.zeroPoint(&rng)
            let stage = Int8Output(zeroPoint: FixedRandom.zeroPoint(&rng), lower: -100, upper: 120)
            #expect(FixedLayers.int8Dense(optimized: true, x, zeroPoint: zero, w, bias, m, stage, batch: batch, inputs: inputs, outputs: outputs)
                    == FixedLayers.int8Dense(optimized: false, x, zeroPoint: zero, w, bias, m, stage, batch: batch, inputs: inputs, outputs: outputs))
            let x16 = FixedLayers.int16s(batch * inputs, &rng), bias16 = bias?.map { Int64($0) * 300 }
            #expect(FixedLayers.int16Dense(optimized: true, x16, w, bias16, m, .relu, batch: batch, inputs: inputs, outputs: outputs)
                    == FixedLayers.int16Dense(optimized: false, x16, w, bias16, m, .relu, batch: batch, inputs: inputs, outputs: outputs))
        }
    }

    // 9000 products of −32768 · −128 = 2²² overflow int32 lanes unless they are widened in time:
    // 9000 · 2²² · 2⁻³⁰ = 35.16 → 35 (and −35 for weight 127 ≈ −9000 · 32768 · 127 · 2⁻³⁰ = −34.88 → −35).
    @Test func int16AccumulatesBeyondInt32() throws {
        let inputs = 9000, m = try QuantizedMultiplier(0x1p-30)
        let w = [Int8](repeating: -128, count: inputs) + [Int8](repeating: 127, count: inputs)
        for optimized in [false, true] {
            #expect(FixedLayers.int16Dense(optimized: optimized, [Int16](repeating: -32768, count: inputs), w, nil, [m, m], Int16Output(),
                                           batch: 1, inputs: inputs, outputs: 2) == [35, -35])
        }
    }

    @Test func saturatesAtTheExtremes() {
        let one = try! QuantizedMultiplier(1), big = try! QuantizedMultiplier(1000)
        let w: [Int8] = [-128, -128, 127, 127, 0, 0]
        for optimized in [false, true] {
            #expect(FixedLayers.int8Dense(optimized: optimized, [-128, -128], zeroPoint: 127, w, [0, 0, Int32.max], [one, one, big],
                                          Int8Output(zeroPoint: 0), batch: 1, inputs: 2, outputs: 3) == [127, -128, 127])
            #expect(FixedLayers.int16Dense(optimized: optimized, [-32768, -32768], w, [0, 0, Int64.min], [big, big, one],
                                           Int16Output(), batch: 1, inputs: 2, outputs: 3) == [32767, -32768, -32768])
        }
    }

    /// Dense layers are 1 × 1 convolutions, so the Double layer of the convolution tests checks them too.
    @Test func int8MatchesFloatWithinOneStep() throws {
        var rng = Xoshiro256StarStar(seed: 42)
        let batch = 6, inputs = 50, outputs = 9
        let s = ConvolutionShape(batch: batch, inChannels: inputs, outChannels: outputs, inHeight: 1, inWidth: 1, kernelHeight: 1, kernelWidth: 1)
        let inQ = try AffineQuantization(lower: -0.5, upper: 4)
        let xq = (0..<batch * inputs).map { _ in inQ.quantize(Float(rng.nextDouble(in: -0.5..<4))) }
        let (wq, wScales) = FixedLayers.weights(s, &rng)
        let accScales = wScales.map { Double(inQ.scale) * Double($0) }
        let reference = FixedLayers.convolution(xq.map { Double(inQ.dequantize($0)) },
                                                wq.indices.map { Double(wq[$0]) * Double(wScales[$0 / inputs]) },
                                                [Double](repeating: 0, count: outputs), s)
        let outQ = try AffineQuantization(lower: Float(reference.min()!), upper: Float(reference.max()!))
        let m = try accScales.map { a throws(QuantizationError) in try QuantizedMultiplier(a / Double(outQ.scale)) }
        let y = FixedLayers.int8Dense(optimized: true, xq, zeroPoint: inQ.zeroPoint, wq, nil, m, Int8Output(zeroPoint: outQ.zeroPoint),
                                      batch: batch, inputs: inputs, outputs: outputs)
        for e in y.indices {
            #expect(abs(Double(outQ.dequantize(y[e])) - reference[e]) <= Double(outQ.scale) * 1.0001, "element \(e)")
        }
    }

    /// The 16x8 dense layer against Double on the dequantized operands: within one int16 output step.
    @Test func int16MatchesFloatWithinOneStep() throws {
        var rng = Xoshiro256StarStar(seed: 43)
        let batch = 5, inputs = 70, outputs = 6, inScale = 2.0 / 32767
        let s = ConvolutionShape(batch: batch, inChannels: inputs, outChannels: outputs, inHeight: 1, inWidth: 1, kernelHeight: 1, kernelWidth: 1)
        let xq = (0..<batch * inputs).map { _ in Int16(roundHalfAwayFromZero(rng.nextDouble(in: -2..<2) / inScale, within: -32767...32767)) }
        let (wq, wScales) = FixedLayers.weights(s, &rng)
        let accScales = wScales.map { inScale * Double($0) }
        let biasQ = accScales.map { Int64(roundHalfAwayFromZero(rng.nextDouble(in: -1..<1) / $0, within: -(1 << 40)...(1 << 40))) }
        let reference = FixedLayers.convolution(xq.map { Double($0) * inScale }, wq.indices.map { Double(wq[$0]) * Double(wScales[$0 / inputs]) },
                                                (0..<outputs).map { Double(biasQ[$0]) * accScales[$0] }, s).map { max($0, 0) }
        let outScale = reference.max()! / 32767
        let m = try accScales.map { a throws(QuantizationError) in try QuantizedMultiplier(a / outScale) }
        let y = FixedLayers.int16Dense(optimized: true, xq, wq, biasQ, m, .relu, batch: batch, inputs: inputs, outputs: outputs)
        for e in y.indices {
            #expect(abs(Double(y[e]) * outScale - reference[e]) <= outScale * 1.0001, "element \(e)")
        }
    }
}
