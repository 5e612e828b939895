/// Max pooling of int8 or int16 NCHW tensors (`PoolShape`; 1-D over NCW is `PoolShape.oneDimensional`).
/// Input and output share one quantization, so the max of the quantized values is the quantized max.
/// Padding never wins; the result is clamped to [lower, upper] (a fused activation). The kernels are
/// inlinable so that callers in other modules get them specialized to Int8 or Int16.
public enum IntegerMaxPool {
    @inlinable
    public static func reference<T: FixedWidthInteger & SignedInteger>(
        _ input: UnsafeBufferPointer<T>, into output: UnsafeMutableBufferPointer<T>, shape s: PoolShape,
        lower: T = .min, upper: T = .max
    ) {
        check(s, input.count, output.count, lower <= upper)
        let (outH, outW) = (s.outHeight, s.outWidth)
        for plane in 0..<(s.batch * s.channels) {
            let base = plane * s.inHeight * s.inWidth
            for y in 0..<outH {
                let top = y * s.strideHeight - s.paddingHeight
                for x in 0..<outW {
                    let left = x * s.strideWidth - s.paddingWidth
                    var best = T.min
                    for iy in max(top, 0)..<min(top + s.kernelHeight, s.inHeight) {
                        for ix in max(left, 0)..<min(left + s.kernelWidth, s.inWidth) { best = max(best, input[base + iy * s.inWidth + ix]) }
                    }
                    output[(plane * outH + y) * outW + x] = min(max(best, lower), upper)
                }
            }
        }
    }

    /// Elements of `scratch` that `optimized` needs: one plane's row maxima, [inHeight, outWidth].
    public static func scratchCount(_ shape: PoolShape) -> Int {
        shape.inHeight * shape.outWidth
    }

    /// Same bits, separably: the max over each row's window columns into `scratch`, then over the window
    /// rows of that, so a kh × kw window costs kh + kw comparisons instead of kh · kw. Windows one row
    /// high (1-D pooling) skip the scratch.
    @inlinable
    public static func optimized<T: FixedWidthInteger & SignedInteger>(
        _ input: UnsafeBufferPointer<T>, into output: UnsafeMutableBufferPointer<T>, shape s: PoolShape,
        lower: T = .min, upper: T = .max, scratch: UnsafeMutableBufferPointer<T>
    ) {
        check(s, input.count, output.count, lower <= upper)
        precondition(scratch.count >= scratchCount(s), "max pool: scratch needs scratchCount(shape) elements")
        let (outH, outW) = (s.outHeight, s.outWidth)
        if s.kernelHeight == 1 && s.strideHeight == 1 && s.paddingHeight == 0 {
            // Rows pool on their own (1-D pooling among them): no scratch, and a pair loop for 2 / 2.
            let rows = s.batch * s.channels * s.inHeight
            if s.kernelWidth == 2 && s.strideWidth == 2 && s.paddingWidth == 0 {
                for r in 0..<rows {
                    let row = r * s.inWidth, out = r * outW
                    for x in 0..<outW { output[out + x] = min(max(max(input[row + 2 * x], input[row + 2 * x + 1]), lower), upper) }
                }
                return
            }
            for r in 0..<rows {
                let row = r * s.inWidth, out = r * outW
                for x in 0..<outW {
                    let left = x * s.strideWidth - s.paddingWidth
                    var best = T.min
                    for ix in max(left, 0)..<min(left + s.kernelWidth, s.inWidth) { best = max(best, input[row + ix]) }
                    output[out + x] = min(max(best, lower), upper)
                }
            }
            return
        }
        for plane in 0..<(s.batch * s.channels) {
            let base = plane * s.inHeight * s.inWidth
            for y in 0..<s.inHeight {
                let row = base + y * s.inWidth
                for x in 0..<outW {
                    let left = x * s.strideWidth - s.paddingWidth
                    var best = T.min
                    for ix in max(left, 0)..<min(left + s.kernelWidth, s.inWidth) { best = max(best, input[row + ix]) }
                    scratch[y * outW + x] = best
                }
            }
            for y in 0..<outH {
                let top = y * s.strideHeight - s.paddingHeight
                let rows = max(top, 0)..<min(top + s.kernelHeight, s.inHeight)
                let out = (plane * outH + y) * outW
                for x in 0..<outW {
                    var best = T.min
                    for iy in rows { best = max(best, scratch[iy * outW + x]) }
                    output[out + x] = min(max(best, lower), upper)
                }
            }
        }
    }

    @usableFromInline
    static func check(_ s: PoolShape, _ input: Int, _ output: Int, _ ordered: Bool) {
        precondition(s.isValid && input == s.inputCount && output == s.outputCount, "max pool: buffers do not match the shape")
        precondition(ordered, "max pool: clamp range")
    }
}
