import Testing
@testable import StimKernels

@Suite struct FixedConvolutionTests {
    static let one = try! QuantizedMultiplier(1), half = try! QuantizedMultiplier(0.5), quarter = try! QuantizedMultiplier(0.25)

    // 1-D, by hand: input [1, 2, 3] with zero point 1 is real [0, 1, 2]; kernel [1, 2], padding 1 (read as
    // the zero point): [0·1 + 0·2, 0·1 + 1·2, 1·1 + 2·2, 2·1 + 0·2] + bias 1 = [1, 3, 6, 3]; then clamped to ≤ 5.
    @Test func int8HandComputed1D() {
        let s = ConvolutionShape.oneDimensional(batch: 1, inChannels: 1, outChannels: 1, length: 3, kernel: 2, padding: 1)
        for optimized in [false, true] {
            #expect(FixedLayers.int8Conv(optimized: optimized, [1, 2, 3], zeroPoint: 1, [1, 2], [1], [Self.one],
                                         Int8Output(zeroPoint: 0), s) == [1, 3, 6, 3])
            #expect(FixedLayers.int8Conv(optimized: optimized, [1, 2, 3], zeroPoint: 1, [1, 2], [1], [Self.one],
                                         Int8Output(zeroPoint: 0, upper: 5), s) == [1, 3, 5, 3])
        }
    }

    // 2-D, by hand: 3 × 3 input 1…9, a 2 × 2 kernel of ones dilated by 2 touches the corners: 1 + 3 + 7 + 9 = 20,
    // times 0.25 = 5, plus output zero point −10. Stride 2 with padding 1 on a 2 × 2 kernel of [1, −1; 0, 2]:
    // windows at (−1, −1), (−1, 1), (1, −1), (1, 1) give 2·1, 2·3, −4 + 2·7, 5 − 6 + 2·9 = [2, 6, 10, 17].
    @Test func int8HandComputed2D() {
        let input: [Int8] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        let dilated = ConvolutionShape(batch: 1, inChannels: 1, outChannels: 1, inHeight: 3, inWidth: 3, kernelHeight: 2,
                                       kernelWidth: 2, dilationHeight: 2, dilationWidth: 2)
        let strided = ConvolutionShape(batch: 1, inChannels: 1, outChannels: 1, inHeight: 3, inWidth: 3, kernelHeight: 2,
                                       kernelWidth: 2, strideHeight: 2, strideWidth: 2, paddingHeight: 1, paddingWidth: 1)
        for optimized in [false, true] {
            #expect(FixedLayers.int8Conv(optimized: optimized, input, zeroPoint: 0, [1, 1, 1, 1], nil, [Self.quarter],
                                         Int8Output(zeroPoint: -10), dilated) == [-5])
            #expect(FixedLayers.int8Conv(optimized: optimized, input, zeroPoint: 0, [1, -1, 0, 2], nil, [Self.one],
                                         Int8Output(zeroPoint: 0), strided) == [2, 6, 10, 17])
        }
    }

    // 1-D, by hand: [100, 200, 300] with kernel [1, −1], stride 2, padding 1 (zero): [−100, 200 − 300];
    // bias 1 and multiplier ½ make −49.5, which rounds toward +∞ to −49.
    @Test func int16HandComputed() {
        let s = ConvolutionShape.oneDimensional(batch: 1, inChannels: 1, outChannels: 1, length: 3, kernel: 2, stride: 2, padding: 1)
        for optimized in [false, true] {
            #expect(FixedLayers.int16Conv(optimized: optimized, [100, 200, 300], [1, -1], [1], [Self.half], Int16Output(), s) == [-49, -49])
            #expect(FixedLayers.int16Conv(optimized: optimized, [100, 200, 300], [1, -1], nil, [Self.one], .relu, s) == [0, 0])
        }
    }

    @Test func optimizedIsBitExactOnRandomShapes() {
        var rng = Xoshiro256StarStar(seed: 31)
        var shapes = [
            ConvolutionShape.oneDimensional(batch: 1, inChannels: 1, outChannels: 1, length: 1, kernel: 1),
            .oneDimensional(batch: 1, inChannels: 3, outChannels: 8, length: 20, kernel: 6, padding: 3),
            .oneDimensional(batch: 2, inChannels: 4, outChannels: 5, groups: 1, length: 64, kernel: 9, stride: 4, padding: 4, dilation: 2),
            .oneDimensional(batch: 1, inChannels: 4, outChannels: 4, groups: 4, length: 17, kernel: 3, padding: 1),
            ConvolutionShape(batch: 1, inChannels: 2, outChannels: 4, inHeight: 5, inWidth: 5, kernelHeight: 5, kernelWidth: 5),
        ]
        for _ in 0..<120 { shapes.append(FixedLayers.shape(&rng)) }
        for s in shapes {
            let m = FixedLayers.multipliers(s.outChannels, &rng)
            let w = FixedRandom.int8s(s.weightCount, &rng)
            let bias: [Int32]? = rng.nextInt(in: 0..<4) == 0 ? nil : (0..<s.outChannels).map { _ in Int32(rng.nextInt(in: -100_000...100_000)) }
            let x = FixedRandom.int8s(s.inputCount, &rng), zero = FixedRandom.zeroPoint(&rng)
            let stage = rng.nextInt(in: 0..<2) == 0 ? Int8Output(zeroPoint: zero) : .relu(zeroPoint: FixedRandom.zeroPoint(&rng))
            let expected = FixedLayers.int8Conv(optimized: false, x, zeroPoint: zero, w, bias, m, stage, s)
            #expect(FixedLayers.int8Conv(optimized: true, x, zeroPoint: zero, w, bias, m, stage, s) == expected, "\(s)")

            let x16 = FixedLayers.int16s(s.inputCount, &rng)
            let bias16 = bias?.map { Int64($0) << 12 }
            let stage16 = rng.nextInt(in: 0..<2) == 0 ? Int16Output() : .relu
            let expected16 = FixedLayers.int16Conv(optimized: false, x16, w, bias16, m, stage16, s)
            #expect(FixedLayers.int16Conv(optimized: true, x16, w, bias16, m, stage16, s) == expected16, "\(s)")
        }
    }

    /// The packed-weight entry point (weights packed once, scratch as raw bytes at any alignment) gives the
    /// reference's bits on shapes whose channel and position counts miss the 4 × 8 tile both ways.
    @Test func packedWeightsMatchTheReference() {
        var rng = Xoshiro256StarStar(seed: 32)
        let shapes = [
            ConvolutionShape.oneDimensional(batch: 1, inChannels: 2, outChannels: 16, length: 60, kernel: 7, padding: 3),
            .oneDimensional(batch: 1, inChannels: 16, outChannels: 32, length: 30, kernel: 5, padding: 2),
            .oneDimensional(batch: 1, inChannels: 32, outChannels: 32, length: 15, kernel: 3, padding: 1),
            .oneDimensional(batch: 2, inChannels: 3, outChannels: 7, groups: 1, length: 13, kernel: 4, stride: 2, padding: 3, dilation: 2),
            .oneDimensional(batch: 1, inChannels: 6, outChannels: 9, groups: 3, length: 9, kernel: 1),
            ConvolutionShape(batch: 1, inChannels: 3, outChannels: 5, inHeight: 6, inWidth: 7, kernelHeight: 3, kernelWidth: 2,
                             strideHeight: 2, strideWidth: 1, paddingHeight: 1, paddingWidth: 1),
        ]
        for (index, s) in shapes.enumerated() {
            let m = FixedLayers.multipliers(s.outChannels, &rng)
            let w = FixedRandom.int8s(s.weightCount, &rng)
            let bias = (0..<s.outChannels).map { _ in Int32(rng.nextInt(in: -100_000...100_000)) }
            let x = FixedRandom.int8s(s.inputCount, &rng), zero = FixedRandom.zeroPoint(&rng)
            let stage = Int8Output.relu(zeroPoint: FixedRandom.zeroPoint(&rng))
            let expected = FixedLayers.int8Conv(optimized: false, x, zeroPoint: zero, w, bias, m, stage, s)
            var packed = [Int16](repeating: 3, count: Int8Convolution.packedWeightCount(s))
            w.withUnsafeBufferPointer { w in packed.withUnsafeMutableBufferPointer { Int8Convolution.packWeights(w, shape: s, into: $0) } }
            let offset = index % 3
            var scratch = [UInt8](repeating: 0xA5, count: Int8Convolution.packedScratchCount(s) + offset)
            var y = [Int8](repeating: 9, count: s.outputCount)
            x.withUnsafeBufferPointer { x in
                packed.withUnsafeBufferPointer { pw in
                    bias.withUnsafeBufferPointer { b in
                        m.withUnsafeBufferPointer { m in
                            y.withUnsafeMutableBufferPointer { y in
                                scratch.withUnsafeMutableBytes { raw in
                                    Int8Convolution.optimized(x, inputZeroPoint: zero, packedWeight: pw, bias: b, multipliers: m,
                                                              output: stage, into: y, shape: s,
                                                              scratch: UnsafeMutableRawBufferPointer(rebasing: raw[offset...]))
                                }
                            }
                        }
                    }
                }
            }
            #expect(y == expected, "\(s)")
        }
    }

    /// The per-channel requantizer the optimized convolution uses is `Int8Output.requantize`, bit for bit,
    /// over every shift and accumulators up to the int32 extremes.
    @Test func channelRequantizerIsExact() {
        var rng = Xoshiro256StarStar(seed: 33)
        let extremes: [Int32] = [.min, .min + 1, -1 << 30, -65_536, -1, 0, 1, 65_535, 1 << 30, .max - 1, .max]
        for shift in Int32(-31)...30 {
            for _ in 0..<40 {
                let multiplier = rng.nextInt(in: 0..<10) == 0 ? Int32(rng.nextInt(in: 0...3))
                    : Int32(truncatingIfNeeded: rng.nextInt(in: (1 << 30)..<(1 << 31)))
                let m = QuantizedMultiplier(multiplier: multiplier, shift: shift)
                let stage = rng.nextInt(in: 0..<2) == 0 ? Int8Output(zeroPoint: FixedRandom.zeroPoint(&rng))
                    : .relu(zeroPoint: FixedRandom.zeroPoint(&rng))
                let requantize = Int8Convolution.ChannelRequantizer(m, stage)
                #expect(requantize.isPlain)
                #expect(requantize.isVector == (shift <= 0))
                let xs = extremes + (0..<20).map({ _ in Int32(truncatingIfNeeded: rng.next()) }) + (0..<20).map({ _ in Int32(rng.nextInt(in: -4096...4096)) })
                for x in xs {
                    #expect(requantize(x) == stage.requantize(x, m), "\(x) \(m)")
                }
                guard requantize.isVector else { continue }
                for start in stride(from: 0, to: xs.count - 3, by: 4) {
                    let lanes = requantize.lanes(SIMD4(xs[start], xs[start + 1], xs[start + 2], xs[start + 3]))
                    for i in 0..<4 { #expect(Int8(lanes[i]) == stage.requantize(xs[start + i], m), "\(xs[start + i]) \(m)") }
                }
            }
        }
    }

    // The largest terms, (−128 − 127) · −128 and −32768 · −128, in every tap saturate the outputs both ways.
    @Test func saturatesAtTheExtremes() {
        let s = ConvolutionShape.oneDimensional(batch: 1, inChannels: 3, outChannels: 2, length: 8, kernel: 5, padding: 2)
        let w = [Int8](repeating: -128, count: 15) + [Int8](repeating: 127, count: 15)
        for optimized in [false, true] {
            let y = FixedLayers.int8Conv(optimized: optimized, [Int8](repeating: -128, count: 24), zeroPoint: 127, w, nil,
                                         [Self.one, Self.one], Int8Output(zeroPoint: 0), s)
            #expect(y == [Int8](repeating: 127, count: 8) + [Int8](repeating: -128, count: 8))
            let y16 = FixedLayers.int16Conv(optimized: optimized, [Int16](repeating: -32768, count: 24), w, [Int64.max / 2, 0],
                                            [Self.one, Self.one], Int16Output(), s)
            #expect(y16 == [Int16](repeating: 32767, count: 8) + [Int16](repeating: -32768, count: 8))
        }
    }

    /// The int8 layer (asymmetric input, per-channel weights, ReLU or not) against the same layer in Double on
    /// the dequantized operands: within one output step everywhere.
    @Test func int8MatchesFloatWithinOneStep() throws {
        var rng = Xoshiro256StarStar(seed: 32)
        for trial in 0..<12 {
            let s = FixedLayers.shape(&rng), relu = trial % 2 == 0
            let inQ = try AffineQuantization(lower: -1.5, upper: 2.5)
            let xq = (0..<s.inputCount).map { _ in inQ.quantize(Float(rng.nextDouble(in: -1.5..<2.5))) }
            let (wq, wScales) = FixedLayers.weights(s, &rng)
            let accScales = wScales.map { Double(inQ.scale) * Double($0) }
            let biasQ = accScales.map { Int32(roundHalfAwayFromZero(rng.nextDouble(in: -0.5..<0.5) / $0, within: -(1 << 31)...(1 << 31 - 1))) }
            let plane = s.outHeight * s.outWidth
            var reference = FixedLayers.convolution(
                xq.map { Double(inQ.dequantize($0)) }, wq.indices.map { Double(wq[$0]) * Double(wScales[$0 / (s.weightCount / s.outChannels)]) },
                (0..<s.outChannels).map { Double(biasQ[$0]) * accScales[$0] }, s)
            if relu { reference = reference.map { max($0, 0) } }
            let outQ = try AffineQuantization(lower: Float(reference.min()!), upper: Float(reference.max()!))
            let m = try accScales.map { a throws(QuantizationError) in try QuantizedMultiplier(a / Double(outQ.scale)) }
            let stage = relu ? Int8Output.relu(zeroPoint: outQ.zeroPoint) : Int8Output(zeroPoint: outQ.zeroPoint)
            let y = FixedLayers.int8Conv(optimized: true, xq, zeroPoint: inQ.zeroPoint, wq, biasQ, m, stage, s)
            for e in y.indices {
                #expect(abs(Double(outQ.dequantize(y[e])) - reference[e]) <= Double(outQ.scale) * 1.0001,
                        "\(s) element \(e) channel \((e / plane) % s.outChannels)")
            }
        }
    }

    /// The 16x8 layer against Double on the dequantized operands: within one int16 output step.
    @Test func int16MatchesFloatWithinOneStep() throws {
        var rng = Xoshiro256StarStar(seed: 33)
        for trial in 0..<12 {
            let s = FixedLayers.shape(&rng), relu = trial % 2 == 0
            let inScale = 3.0 / 32767
            let xq = (0..<s.inputCount).map { _ in Int16(roundHalfAwayFromZero(rng.nextDouble(in: -3..<3) / inScale, within: -32767...32767)) }
            let (wq, wScales) = FixedLayers.weights(s, &rng)
            let accScales = wScales.map { inScale * Double($0) }
            let biasQ = accScales.map { Int64(roundHalfAwayFromZero(rng.nextDouble(in: -0.5..<0.5) / $0, within: -(1 << 40)...(1 << 40))) }
            var reference = FixedLayers.convolution(
                xq.map { Double($0) * inScale }, wq.indices.map { Double(wq[$0]) * Double(wScales[$0 / (s.weightCount / s.outChannels)]) },
                (0..<s.outChannels).map { Double(biasQ[$0]) * accScales[$0] }, s)
            if relu { reference = reference.map { max($0, 0) } }
            let largest = reference.map(\.magnitude).max()!
            let outScale = largest > 0 ? largest / 32767 : 1
            let m = try accScales.map { a throws(QuantizationError) in try QuantizedMultiplier(a / outScale) }
            let y = FixedLayers.int16Conv(optimized: true, xq, wq, biasQ, m, relu ? .relu : Int16Output(), s)
            for e in y.indices {
                #expect(abs(Double(y[e]) * outScale - reference[e]) <= outScale * 1.0001, "\(s) element \(e)")
            }
        }
    }
}
