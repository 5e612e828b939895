/// 2-D convolution (cross-correlation) of int8 NCHW input with symmetric per-channel int8 weights,
/// followed by per-channel requantization to int8; 1-D over NCW is `ConvolutionShape.oneDimensional`.
/// Geometry and layouts: `ConvolutionShape` (groups included); bias and multipliers [outChannels].
///
///     acc[n, o, y, x] = bias[o] + Σ w[o, c, i, j] · (in[n, g·C + c, y·s − p + i·d, x·s − p + j·d] − inputZeroPoint)
///
/// Padding reads as the input zero point (real 0), so padded taps add nothing. Accumulators are int32:
/// each term is at most 255 · 128 in magnitude, so they cannot overflow for a patch of ≤ 65,793 taps.
public enum Int8Convolution {
    public static func reference(
        _ input: UnsafeBufferPointer<Int8>, inputZeroPoint: Int32, weight: UnsafeBufferPointer<Int8>,
        bias: UnsafeBufferPointer<Int32>?, multipliers: UnsafeBufferPointer<QuantizedMultiplier>, output stage: Int8Output,
        into output: UnsafeMutableBufferPointer<Int8>, shape s: ConvolutionShape
    ) {
        check(s, input.count, inputZeroPoint, weight.count, bias?.count, multipliers.count, output.count)
        let groupIn = s.inChannels / s.groups, groupOut = s.outChannels / s.groups
        let (outH, outW) = (s.outHeight, s.outWidth)
        for n in 0..<s.batch {
            for oc in 0..<s.outChannels {
                let firstIn = (oc / groupOut) * groupIn
                for y in 0..<outH {
                    for x in 0..<outW {
                        var sum = bias?[oc] ?? 0
                        for c in 0..<groupIn {
                            for ki in 0..<s.kernelHeight {
                                for kj in 0..<s.kernelWidth {
                                    let iy = y * s.strideHeight - s.paddingHeight + ki * s.dilationHeight
                                    let ix = x * s.strideWidth - s.paddingWidth + kj * s.dilationWidth
                                    let inside = iy >= 0 && iy < s.inHeight && ix >= 0 && ix < s.inWidth
                                    let value = inside
                                        ? Int32(input[((n * s.inChannels + firstIn + c) * s.inHeight + iy) * s.inWidth + ix])
                                        : inputZeroPoint
                                    let w = weight[((oc * groupIn + c) * s.kernelHeight + ki) * s.kernelWidth + kj]
                                    sum &+= (value - inputZeroPoint) &* Int32(w)
                                }
                            }
                        }
                        output[((n * s.outChannels + oc) * outH + y) * outW + x] = stage.requantize(sum, multipliers[oc])
                    }
                }
            }
        }
    }

    /// Int8 elements (bytes) of `scratch` that `optimized` needs: the packed weights (`packWeights`) and one
    /// group's columns (`packedScratchCount`), and a byte to align the weights to Int16.
    public static func scratchCount(_ shape: ConvolutionShape) -> Int {
        1 + 2 * packedWeightCount(shape) + packedScratchCount(shape)
    }

    /// Int16 elements of the packed weights: per group, the output channels in tiles of four (the last tile
    /// padded with zero weights), each tile [⌈patchSize / 2⌉ tap pairs, 4 channels, 2 taps] (an odd last
    /// tap paired with a zero weight).
    public static func packedWeightCount(_ s: ConvolutionShape) -> Int {
        s.groups * tiles(s) * pairs(s) * 8
    }

    /// Bytes of `scratch` that the packed-weight `optimized` needs: one group's columns as int16
    /// (input − zero point), [tap pair, output position rounded up to 4, 2 taps].
    public static func packedScratchCount(_ s: ConvolutionShape) -> Int {
        pairs(s) * paddedPlane(s) * 4
    }

    /// The layout `optimized(... packedWeight: ...)` reads; weights that depend only on the model, so
    /// a caller that runs a layer many times packs them once.
    public static func packWeights(_ weight: UnsafeBufferPointer<Int8>, shape s: ConvolutionShape,
                                   into packed: UnsafeMutableBufferPointer<Int16>) {
        precondition(weight.count == s.outChannels * s.patchSize && packed.count == packedWeightCount(s),
                     "Int8Convolution.packWeights: buffer sizes")
        let patch = s.patchSize, groupOut = s.outChannels / s.groups, tiles = tiles(s), pairs = pairs(s)
        var e = 0
        for g in 0..<s.groups {
            for t in 0..<tiles {
                for q in 0..<pairs {
                    for l in 0..<4 {
                        let oc = t * 4 + l
                        for r in 0..<2 {
                            let k = 2 * q + r
                            packed[e] = oc < groupOut && k < patch ? Int16(weight[(g * groupOut + oc) * patch + k]) : 0
                            e += 1
                        }
                    }
                }
            }
        }
    }

    /// Same bits: packs the weights into the start of `scratch`, then runs the packed-weight form.
    public static func optimized(
        _ input: UnsafeBufferPointer<Int8>, inputZeroPoint: Int32, weight: UnsafeBufferPointer<Int8>,
        bias: UnsafeBufferPointer<Int32>?, multipliers: UnsafeBufferPointer<QuantizedMultiplier>, output stage: Int8Output,
        into output: UnsafeMutableBufferPointer<Int8>, shape s: ConvolutionShape, scratch: UnsafeMutableBufferPointer<Int8>
    ) {
        check(s, input.count, inputZeroPoint, weight.count, bias?.count, multipliers.count, output.count)
        precondition(scratch.count >= scratchCount(s), "Int8Convolution: scratch needs scratchCount(shape) elements")
        let whole = UnsafeMutableRawBufferPointer(scratch)
        let raw = UnsafeMutableRawBufferPointer(rebasing: whole[(Int(bitPattern: whole.baseAddress!) & 1)...])
        let weightBytes = 2 * packedWeightCount(s)
        let packed = raw.baseAddress!.bindMemory(to: Int16.self, capacity: packedWeightCount(s))
        packWeights(weight, shape: s, into: UnsafeMutableBufferPointer(start: packed, count: packedWeightCount(s)))
        optimized(input, inputZeroPoint: inputZeroPoint, packedWeight: UnsafeBufferPointer(start: packed, count: packedWeightCount(s)),
                  bias: bias, multipliers: multipliers, output: stage, into: output, shape: s,
                  scratch: UnsafeMutableRawBufferPointer(rebasing: raw[weightBytes...]))
        _ = raw.bindMemory(to: Int8.self)
    }

    /// Same bits as `reference`, with the weights packed by `packWeights`. Per (batch item, group), im2col
    /// writes the patches as int16 (input − zero point, padding 0) in tap pairs, then a register-blocked
    /// product: 4 output channels × 8 positions of int32 accumulators, each step one multiply-add of two
    /// taps' int16 products (x86 `pmaddwd`, which LLVM selects from `multiplyAddPairs`), so every column
    /// load serves four channels and every weight load eight positions.
    public static func optimized(
        _ input: UnsafeBufferPointer<Int8>, inputZeroPoint: Int32, packedWeight: UnsafeBufferPointer<Int16>,
        bias: UnsafeBufferPointer<Int32>?, multipliers: UnsafeBufferPointer<QuantizedMultiplier>, output stage: Int8Output,
        into output: UnsafeMutableBufferPointer<Int8>, shape s: ConvolutionShape, scratch: UnsafeMutableRawBufferPointer
    ) {
        check(s, input.count, inputZeroPoint, s.outChannels * s.patchSize, bias?.count, multipliers.count, output.count)
        precondition(packedWeight.count == packedWeightCount(s), "Int8Convolution: packed weights of another shape")
        precondition(scratch.count >= packedScratchCount(s), "Int8Convolution: scratch needs packedScratchCount(shape) bytes")
        let plane = s.outHeight * s.outWidth, wide = paddedPlane(s), pairs = pairs(s), tiles = tiles(s)
        let groupOut = s.outChannels / s.groups
        let columns = UnsafeMutableRawPointer(scratch.baseAddress!), weights = UnsafeRawPointer(packedWeight.baseAddress!)
        let rowBytes = wide * 4
        for n in 0..<s.batch {
            for g in 0..<s.groups {
                pairColumns(input, zeroPoint: inputZeroPoint, into: columns, n, g, s, wide: wide)
                for t in 0..<tiles {
                    let tileWeights = weights + (g * tiles + t) * pairs * 16
                    let channels = min(4, groupOut - t * 4)
                    let firstOut = (n * s.outChannels + g * groupOut + t * 4) * plane
                    var p = 0
                    while p < wide {
                        let eight = p + 8 <= wide
                        var a0 = SIMD4<Int32>(), a1 = SIMD4<Int32>(), a2 = SIMD4<Int32>(), a3 = SIMD4<Int32>()
                        var b0 = SIMD4<Int32>(), b1 = SIMD4<Int32>(), b2 = SIMD4<Int32>(), b3 = SIMD4<Int32>()
                        var c = UnsafeRawPointer(columns + p * 4), w = tileWeights
                        if eight {
                            for _ in 0..<pairs {
                                let x0 = c.loadUnaligned(as: SIMD8<Int16>.self)
                                let x1 = c.loadUnaligned(fromByteOffset: 16, as: SIMD8<Int16>.self)
                                let ws = w.loadUnaligned(as: SIMD4<Int32>.self)
                                let w0 = broadcastPair(ws[0]), w1 = broadcastPair(ws[1])
                                let w2 = broadcastPair(ws[2]), w3 = broadcastPair(ws[3])
                                a0 &+= multiplyAddPairs(x0, w0)
                                b0 &+= multiplyAddPairs(x1, w0)
                                a1 &+= multiplyAddPairs(x0, w1)
                                b1 &+= multiplyAddPairs(x1, w1)
                                a2 &+= multiplyAddPairs(x0, w2)
                                b2 &+= multiplyAddPairs(x1, w2)
                                a3 &+= multiplyAddPairs(x0, w3)
                                b3 &+= multiplyAddPairs(x1, w3)
                                c += rowBytes
                                w += 16
                            }
                        } else {
                            for _ in 0..<pairs {
                                let x0 = c.loadUnaligned(as: SIMD8<Int16>.self)
                                let ws = w.loadUnaligned(as: SIMD4<Int32>.self)
                                a0 &+= multiplyAddPairs(x0, broadcastPair(ws[0]))
                                a1 &+= multiplyAddPairs(x0, broadcastPair(ws[1]))
                                a2 &+= multiplyAddPairs(x0, broadcastPair(ws[2]))
                                a3 &+= multiplyAddPairs(x0, broadcastPair(ws[3]))
                                c += rowBytes
                                w += 16
                            }
                        }
                        let count = min(eight ? 8 : 4, plane - p)
                        for l in 0..<channels {
                            let oc = g * groupOut + t * 4 + l
                            let sums = l == 0 ? (a0, b0) : l == 1 ? (a1, b1) : l == 2 ? (a2, b2) : (a3, b3)
                            let requantize = ChannelRequantizer(multipliers[oc], stage), b = bias?[oc] ?? 0
                            let out = firstOut + l * plane + p
                            if requantize.isVector {
                                let bias4 = SIMD4<Int32>(repeating: b)
                                let low = requantize.lanes(sums.0 &+ bias4)
                                if count == 8 {
                                    let high = requantize.lanes(sums.1 &+ bias4)
                                    let bytes = SIMD8<Int8>(Int8(truncatingIfNeeded: low[0]), Int8(truncatingIfNeeded: low[1]),
                                                            Int8(truncatingIfNeeded: low[2]), Int8(truncatingIfNeeded: low[3]),
                                                            Int8(truncatingIfNeeded: high[0]), Int8(truncatingIfNeeded: high[1]),
                                                            Int8(truncatingIfNeeded: high[2]), Int8(truncatingIfNeeded: high[3]))
                                    UnsafeMutableRawPointer(output.baseAddress! + out).storeBytes(of: bytes, as: SIMD8<Int8>.self)
                                } else {
                                    let high = count > 4 ? requantize.lanes(sums.1 &+ bias4) : low
                                    for i in 0..<count { output[out + i] = Int8(truncatingIfNeeded: i < 4 ? low[i] : high[i - 4]) }
                                }
                            } else if requantize.isPlain {
                                for i in 0..<count {
                                    let sum = i < 4 ? sums.0[i] : sums.1[i - 4]
                                    output[out + i] = requantize(sum &+ b)
                                }
                            } else {
                                for i in 0..<count {
                                    let sum = i < 4 ? sums.0[i] : sums.1[i - 4]
                                    output[out + i] = stage.requantize(sum &+ b, multipliers[oc])
                                }
                            }
                        }
                        p += eight ? 8 : 4
                    }
                }
            }
        }
    }

    /// `Int8Output.requantize` for one channel with the multiplier's shifts and masks worked out once, and
    /// branch-free. Exact for every multiplier but INT32_MIN (`isPlain` false), whose saturating case the
    /// general form keeps.
    struct ChannelRequantizer {
        let leftShift: Int64, multiplier: Int64, rightShift: Int32, mask: Int32, halfMask: Int32
        let zeroPoint: Int32, lower: Int32, upper: Int32, isPlain: Bool
        /// No left shift and a non-negative multiplier: `lanes` applies.
        let isVector: Bool

        @inline(__always)
        init(_ m: QuantizedMultiplier, _ stage: Int8Output) {
            leftShift = Int64(max(m.shift, 0))
            multiplier = Int64(m.multiplier)
            rightShift = max(-m.shift, 0)
            mask = Int32(truncatingIfNeeded: (Int64(1) << Int64(rightShift & 63)) &- 1)
            halfMask = mask >> 1
            zeroPoint = stage.zeroPoint
            lower = Int32(stage.lower)
            upper = Int32(stage.upper)
            isPlain = m.multiplier != .min && m.shift >= -31 && m.shift <= 31
            isVector = m.multiplier >= 0 && m.shift >= -31 && m.shift <= 0
        }

        /// The same four requantizations, as int32 lanes already clamped to [lower, upper]. The doubling high
        /// multiply rounds |x| · multiplier, an unsigned 32 × 32 → 64-bit product (x86 `pmuludq`), and puts
        /// the sign back: ⌊(|x|·M + 2³⁰ − [x < 0]) / 2³¹⌋ is gemmlowp's nudged truncating division for
        /// either sign.
        @inline(__always)
        func lanes(_ x: SIMD4<Int32>) -> SIMD4<Int32> {
            let sign = x &>> 31
            let magnitude = SIMD4<UInt32>(truncatingIfNeeded: (x ^ sign) &- sign)
            let nudge = SIMD4<UInt32>(truncatingIfNeeded: SIMD4<Int32>(repeating: 1 << 30) &+ sign)
            let wideMagnitude = SIMD4<UInt64>(truncatingIfNeeded: magnitude)
            let product = wideMagnitude &* SIMD4<UInt64>(repeating: UInt64(truncatingIfNeeded: multiplier))
                &+ SIMD4<UInt64>(truncatingIfNeeded: nudge)
            let rounded = SIMD4<Int32>(truncatingIfNeeded: product &>> 31)
            let high = (rounded ^ sign) &- sign
            // roundingDivideByPowerOfTwo: the remainder against half the divisor, ties away from zero.
            let highSign = high &>> 31
            let threshold = SIMD4<Int32>(repeating: halfMask) &- highSign
            var shifted = high &>> SIMD4<Int32>(repeating: rightShift)
            shifted.replace(with: shifted &+ 1, where: (high & SIMD4<Int32>(repeating: mask)) .> threshold)
            // Clamp before adding the zero point, which could overflow int32 first.
            let clamped = shifted.clamped(lowerBound: SIMD4<Int32>(repeating: lower &- zeroPoint),
                                          upperBound: SIMD4<Int32>(repeating: upper &- zeroPoint))
            return clamped &+ SIMD4<Int32>(repeating: zeroPoint)
        }

        @inline(__always)
        func callAsFunction(_ x: Int32) -> Int8 {
            let scaled = Int64(Int32(clamping: Int64(x) << leftShift))
            // FixedPoint.saturatingRoundingDoublingHighMul: (product + nudge) / 2³¹, truncating toward zero.
            let product = scaled &* multiplier
            let nudged = product &+ (product >= 0 ? 1 << 30 : 1 - (1 << 30))
            let high = Int32(truncatingIfNeeded: (nudged &+ ((nudged >> 63) & 0x7FFF_FFFF)) >> 31)
            // FixedPoint.roundingDivideByPowerOfTwo.
            let threshold = halfMask &+ (high < 0 ? 1 : 0)
            let shifted = (high >> rightShift) &+ ((high & mask) > threshold ? 1 : 0)
            let result = Int64(shifted) + Int64(zeroPoint)
            return Int8(truncatingIfNeeded: min(max(result, Int64(lower)), Int64(upper)))
        }
    }

    static func pairs(_ s: ConvolutionShape) -> Int { (s.patchSize + 1) / 2 }
    static func tiles(_ s: ConvolutionShape) -> Int { (s.outChannels / s.groups + 3) / 4 }
    static func paddedPlane(_ s: ConvolutionShape) -> Int { (s.outHeight * s.outWidth + 3) & ~3 }

    /// Both taps of a weight pair in every lane pair.
    @inline(__always)
    static func broadcastPair(_ pair: Int32) -> SIMD8<Int16> {
        unsafeBitCast(SIMD4<Int32>(repeating: pair), to: SIMD8<Int16>.self)
    }

    /// Lane i: a[2i]·b[2i] + a[2i+1]·b[2i+1] in int32 (exact: each product is within ±2³⁰).
    @inline(__always)
    static func multiplyAddPairs(_ a: SIMD8<Int16>, _ b: SIMD8<Int16>) -> SIMD4<Int32> {
        let products = widen(a) &* widen(b)
        return products.evenHalf &+ products.oddHalf
    }

    /// Lane by lane rather than the generic SIMD `init(truncatingIfNeeded:)`: once another kernel uses that
    /// conversion too, the optimizer calls it out of line here, which made this loop 2.5 times slower.
    @inline(__always)
    static func widen(_ v: SIMD8<Int16>) -> SIMD8<Int32> {
        SIMD8(Int32(v[0]), Int32(v[1]), Int32(v[2]), Int32(v[3]), Int32(v[4]), Int32(v[5]), Int32(v[6]), Int32(v[7]))
    }

    /// columns[(k / 2) · wide + position][k % 2] = input tap k of the position − zeroPoint as int16, 0 for
    /// padding, for the odd tap past an odd patch, and for the positions past the plane up to `wide`.
    @inline(__always)
    static func pairColumns(_ input: UnsafeBufferPointer<Int8>, zeroPoint: Int32, into columns: UnsafeMutableRawPointer,
                            _ n: Int, _ g: Int, _ s: ConvolutionShape, wide: Int) {
        let groupIn = s.inChannels / s.groups
        columns.initializeMemory(as: UInt8.self, repeating: 0, count: pairs(s) * wide * 4)
        let zero = Int16(zeroPoint)
        for c in 0..<groupIn {
            let channel = (n * s.inChannels + g * groupIn + c) * s.inHeight
            for ki in 0..<s.kernelHeight {
                for kj in 0..<s.kernelWidth {
                    let k = (c * s.kernelHeight + ki) * s.kernelWidth + kj
                    let row = columns + ((k >> 1) * wide * 2 + (k & 1)) * 2
                    // Output columns x whose tap lies inside the input: 0 ≤ x·stride − padding + kj·dilation < inWidth.
                    let shift = s.paddingWidth - kj * s.dilationWidth
                    let first = max(0, ceilingDivide(shift, s.strideWidth))
                    let end = min(s.outWidth, ceilingDivide(s.inWidth + shift, s.strideWidth))
                    guard first < end else { continue }
                    for y in 0..<s.outHeight {
                        let iy = y * s.strideHeight - s.paddingHeight + ki * s.dilationHeight
                        guard iy >= 0 && iy < s.inHeight else { continue }
                        // Tap of output column x: source[x · stride]; in bounds for x in first..<end.
                        let source = input.baseAddress! + ((channel + iy) * s.inWidth - shift)
                        let target = row + y * s.outWidth * 4
                        if s.strideWidth == 1 {
                            for x in first..<end {
                                target.storeBytes(of: Int16(source[x]) &- zero, toByteOffset: x &* 4, as: Int16.self)
                            }
                        } else {
                            for x in first..<end {
                                target.storeBytes(of: Int16(source[x &* s.strideWidth]) &- zero, toByteOffset: x &* 4, as: Int16.self)
                            }
                        }
                    }
                }
            }
        }
    }

    /// ⌈a / b⌉ for b > 0.
    @inline(__always)
    static func ceilingDivide(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? (a + b - 1) / b : -((-a) / b)
    }

    /// columns[(y·outW + x)·patchSize + (c·kh + i)·kw + j] = input[n, g·groupIn + c, y·s − p + i·d, x·s − p + j·d],
    /// or `padding` outside the input. Shared with `Int16Convolution`.
    @inline(__always)
    static func imageToColumns<T>(_ input: UnsafeBufferPointer<T>, padding: T, into columns: UnsafeMutablePointer<T>,
                                  _ n: Int, _ g: Int, _ s: ConvolutionShape) {
        let groupIn = s.inChannels / s.groups
        var e = 0
        for y in 0..<s.outHeight {
            for x in 0..<s.outWidth {
                for c in 0..<groupIn {
                    let channel = (n * s.inChannels + g * groupIn + c) * s.inHeight
                    for ki in 0..<s.kernelHeight {
                        let iy = y * s.strideHeight - s.paddingHeight + ki * s.dilationHeight
                        let rowInside = iy >= 0 && iy < s.inHeight
                        for kj in 0..<s.kernelWidth {
                            let ix = x * s.strideWidth - s.paddingWidth + kj * s.dilationWidth
                            columns[e] = rowInside && ix >= 0 && ix < s.inWidth ? input[(channel + iy) * s.inWidth + ix] : padding
                            e += 1
                        }
                    }
                }
            }
        }
    }

    static func check(_ s: ConvolutionShape, _ input: Int, _ zeroPoint: Int32, _ weight: Int, _ bias: Int?,
                      _ multipliers: Int, _ output: Int) {
        s.check(input: input, weight: weight, output: output)
        precondition(zeroPoint >= -128 && zeroPoint <= 127, "convolution: input zero point outside int8")
        precondition((bias ?? s.outChannels) == s.outChannels && multipliers == s.outChannels,
                     "convolution: bias and multipliers need one value per output channel")
    }
}
