/// Convolution in TFLite's 16x8 scheme: symmetric int16 NCHW input (zero point 0, so padding is 0),
/// symmetric per-channel int8 weights, int64 bias and accumulators, per-channel requantization to int16.
/// Geometry and layouts: `ConvolutionShape`, as `Int8Convolution`.
public enum Int16Convolution {
    public static func reference(
        _ input: UnsafeBufferPointer<Int16>, weight: UnsafeBufferPointer<Int8>, bias: UnsafeBufferPointer<Int64>?,
        multipliers: UnsafeBufferPointer<QuantizedMultiplier>, output stage: Int16Output,
        into output: UnsafeMutableBufferPointer<Int16>, shape s: ConvolutionShape
    ) {
        Int8Convolution.check(s, input.count, 0, weight.count, bias?.count, multipliers.count, output.count)
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
                                let iy = y * s.strideHeight - s.paddingHeight + ki * s.dilationHeight
                                if iy < 0 || iy >= s.inHeight { continue }
                                for kj in 0..<s.kernelWidth {
                                    let ix = x * s.strideWidth - s.paddingWidth + kj * s.dilationWidth
                                    if ix < 0 || ix >= s.inWidth { continue }
                                    let value = input[((n * s.inChannels + firstIn + c) * s.inHeight + iy) * s.inWidth + ix]
                                    let w = weight[((oc * groupIn + c) * s.kernelHeight + ki) * s.kernelWidth + kj]
                                    sum &+= Int64(value) * Int64(w)
                                }
                            }
                        }
                        output[((n * s.outChannels + oc) * outH + y) * outW + x] = stage.requantize(sum, multipliers[oc])
                    }
                }
            }
        }
    }

    /// Int16 elements of `scratch` that `optimized` needs: one group's patches, [outHeight · outWidth, patchSize].
    public static func scratchCount(_ shape: ConvolutionShape) -> Int {
        Int8Convolution.scratchCount(shape)
    }

    /// Same bits: im2col into `scratch`, then each patch against four output channels' weights at a time.
    public static func optimized(
        _ input: UnsafeBufferPointer<Int16>, weight: UnsafeBufferPointer<Int8>, bias: UnsafeBufferPointer<Int64>?,
        multipliers: UnsafeBufferPointer<QuantizedMultiplier>, output stage: Int16Output,
        into output: UnsafeMutableBufferPointer<Int16>, shape s: ConvolutionShape, scratch: UnsafeMutableBufferPointer<Int16>
    ) {
        Int8Convolution.check(s, input.count, 0, weight.count, bias?.count, multipliers.count, output.count)
        precondition(scratch.count >= scratchCount(s), "Int16Convolution: scratch needs scratchCount(shape) elements")
        let patch = s.patchSize, plane = s.outHeight * s.outWidth, groupOut = s.outChannels / s.groups
        let columns = scratch.baseAddress!, w = weight.baseAddress!
        for n in 0..<s.batch {
            for g in 0..<s.groups {
                Int8Convolution.imageToColumns(input, padding: 0, into: columns, n, g, s)
                let firstOut = g * groupOut
                for p in 0..<plane {
                    let column = UnsafePointer(columns + p * patch)
                    let out = (n * s.outChannels + firstOut) * plane + p
                    var j = 0
                    while j + 4 <= groupOut {
                        let sums = IntegerDot.int16x4(column, w + (firstOut + j) * patch, stride: patch, count: patch)
                        for l in 0..<4 {
                            let oc = firstOut + j + l
                            output[out + (j + l) * plane] = stage.requantize(sums[l] &+ (bias?[oc] ?? 0), multipliers[oc])
                        }
                        j += 4
                    }
                    while j < groupOut {
                        let oc = firstOut + j
                        let sum = IntegerDot.int16(column, w + oc * patch, count: patch)
                        output[out + j * plane] = stage.requantize(sum &+ (bias?[oc] ?? 0), multipliers[oc])
                        j += 1
                    }
                }
            }
        }
    }
}
