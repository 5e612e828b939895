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

    /// Int8 elements of `scratch` that `optimized` needs: one group's patches, [outHeight · outWidth, patchSize].
    public static func scratchCount(_ shape: ConvolutionShape) -> Int {
        shape.patchSize * shape.outHeight * shape.outWidth
    }

    /// Same bits: per (batch item, group), im2col lays each output position's patch out contiguously in
    /// `scratch` (padding as the zero point), then each patch meets four output channels' weights at a time.
    public static func optimized(
        _ input: UnsafeBufferPointer<Int8>, inputZeroPoint: Int32, weight: UnsafeBufferPointer<Int8>,
        bias: UnsafeBufferPointer<Int32>?, multipliers: UnsafeBufferPointer<QuantizedMultiplier>, output stage: Int8Output,
        into output: UnsafeMutableBufferPointer<Int8>, shape s: ConvolutionShape, scratch: UnsafeMutableBufferPointer<Int8>
    ) {
        check(s, input.count, inputZeroPoint, weight.count, bias?.count, multipliers.count, output.count)
        precondition(scratch.count >= scratchCount(s), "Int8Convolution: scratch needs scratchCount(shape) elements")
        let patch = s.patchSize, plane = s.outHeight * s.outWidth, groupOut = s.outChannels / s.groups
        let columns = scratch.baseAddress!, w = weight.baseAddress!, zero = Int16(inputZeroPoint)
        for n in 0..<s.batch {
            for g in 0..<s.groups {
                imageToColumns(input, padding: Int8(truncatingIfNeeded: inputZeroPoint), into: columns, n, g, s)
                let firstOut = g * groupOut
                for p in 0..<plane {
                    let column = columns + p * patch
                    let out = (n * s.outChannels + firstOut) * plane + p
                    var j = 0
                    while j + 4 <= groupOut {
                        let sums = IntegerDot.int8x4(column, minus: zero, w + (firstOut + j) * patch, stride: patch, count: patch)
                        for l in 0..<4 {
                            let oc = firstOut + j + l
                            output[out + (j + l) * plane] = stage.requantize(sums[l] &+ (bias?[oc] ?? 0), multipliers[oc])
                        }
                        j += 4
                    }
                    while j < groupOut {
                        let oc = firstOut + j
                        let sum = IntegerDot.int8(column, minus: zero, w + oc * patch, count: patch)
                        output[out + j * plane] = stage.requantize(sum &+ (bias?[oc] ?? 0), multipliers[oc])
                        j += 1
                    }
                }
            }
        }
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
