/// Average pooling of int8 or int16 NCHW tensors (`PoolShape`), input and output sharing one
/// quantization: the mean of the quantized values in the window, padding not counted, rounded half away
/// from zero as TFLite does, then clamped to [lower, upper]. Sums are int32, exact for windows of up to
/// 65,536 elements. Inlinable so that callers in other modules get them specialized to Int8 or Int16.
public enum IntegerAveragePool {
    @inlinable
    public static func reference<T: FixedWidthInteger & SignedInteger>(
        _ input: UnsafeBufferPointer<T>, into output: UnsafeMutableBufferPointer<T>, shape s: PoolShape,
        lower: T = .min, upper: T = .max
    ) {
        check(s, input.count, output.count, lower, upper)
        let (outH, outW) = (s.outHeight, s.outWidth)
        for plane in 0..<(s.batch * s.channels) {
            let base = plane * s.inHeight * s.inWidth
            for y in 0..<outH {
                let top = y * s.strideHeight - s.paddingHeight
                let rows = max(top, 0)..<min(top + s.kernelHeight, s.inHeight)
                for x in 0..<outW {
                    let left = x * s.strideWidth - s.paddingWidth
                    let columns = max(left, 0)..<min(left + s.kernelWidth, s.inWidth)
                    var sum: Int32 = 0
                    for iy in rows {
                        for ix in columns { sum += Int32(input[base + iy * s.inWidth + ix]) }
                    }
                    output[(plane * outH + y) * outW + x] = clamp(roundedDivide(sum, Int32(rows.count * columns.count)), lower, upper)
                }
            }
        }
    }

    /// Int32 elements of `scratch` that `optimized` needs: one plane's row sums, [inHeight, outWidth].
    public static func scratchCount(_ shape: PoolShape) -> Int {
        shape.inHeight * shape.outWidth
    }

    /// Same bits, separably: each row's window sums into `scratch`, then the window rows of those.
    @inlinable
    public static func optimized<T: FixedWidthInteger & SignedInteger>(
        _ input: UnsafeBufferPointer<T>, into output: UnsafeMutableBufferPointer<T>, shape s: PoolShape,
        lower: T = .min, upper: T = .max, scratch: UnsafeMutableBufferPointer<Int32>
    ) {
        check(s, input.count, output.count, lower, upper)
        precondition(scratch.count >= scratchCount(s), "average pool: scratch needs scratchCount(shape) elements")
        let (outH, outW) = (s.outHeight, s.outWidth)
        for plane in 0..<(s.batch * s.channels) {
            let base = plane * s.inHeight * s.inWidth
            for y in 0..<s.inHeight {
                let row = base + y * s.inWidth
                for x in 0..<outW {
                    let left = x * s.strideWidth - s.paddingWidth
                    var sum: Int32 = 0
                    for ix in max(left, 0)..<min(left + s.kernelWidth, s.inWidth) { sum += Int32(input[row + ix]) }
                    scratch[y * outW + x] = sum
                }
            }
            for y in 0..<outH {
                let top = y * s.strideHeight - s.paddingHeight
                let rows = max(top, 0)..<min(top + s.kernelHeight, s.inHeight)
                let out = (plane * outH + y) * outW
                for x in 0..<outW {
                    let left = x * s.strideWidth - s.paddingWidth
                    let width = min(left + s.kernelWidth, s.inWidth) - max(left, 0)
                    var sum: Int32 = 0
                    for iy in rows { sum += scratch[iy * outW + x] }
                    output[out + x] = clamp(roundedDivide(sum, Int32(rows.count * width)), lower, upper)
                }
            }
        }
    }

    /// [planes, size] → [planes]: the rounded mean of each plane (planes = batch · channels).
    @inlinable
    public static func globalReference<T: FixedWidthInteger & SignedInteger>(
        _ input: UnsafeBufferPointer<T>, into output: UnsafeMutableBufferPointer<T>, size: Int
    ) {
        checkGlobal(input.count, output.count, size)
        for plane in 0..<output.count {
            var sum: Int32 = 0
            for i in 0..<size { sum += Int32(input[plane * size + i]) }
            output[plane] = T(truncatingIfNeeded: roundedDivide(sum, Int32(size)))
        }
    }

    /// Same bits, summing 16 lanes at a time.
    @inlinable
    public static func globalOptimized<T: FixedWidthInteger & SignedInteger & SIMDScalar>(
        _ input: UnsafeBufferPointer<T>, into output: UnsafeMutableBufferPointer<T>, size: Int
    ) {
        checkGlobal(input.count, output.count, size)
        guard let base = input.baseAddress else { return }
        for plane in 0..<output.count {
            let p = base + plane * size
            var lanes = SIMD16<Int32>()
            var i = 0
            while i + 16 <= size {
                lanes &+= SIMD16<Int32>(truncatingIfNeeded: UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<T>.self))
                i += 16
            }
            var sum = lanes.wrappedSum()
            while i < size {
                sum += Int32(p[i])
                i += 1
            }
            output[plane] = T(truncatingIfNeeded: roundedDivide(sum, Int32(size)))
        }
    }

    /// sum / count rounded half away from zero (TFLite's average pool rounding).
    @inlinable @inline(__always)
    static func roundedDivide(_ sum: Int32, _ count: Int32) -> Int32 {
        sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count
    }

    @inlinable @inline(__always)
    static func clamp<T: FixedWidthInteger>(_ x: Int32, _ lower: T, _ upper: T) -> T {
        T(truncatingIfNeeded: min(max(x, Int32(lower)), Int32(upper)))
    }

    @usableFromInline
    static func check<T: FixedWidthInteger>(_ s: PoolShape, _ input: Int, _ output: Int, _ lower: T, _ upper: T) {
        precondition(s.isValid && input == s.inputCount && output == s.outputCount, "average pool: buffers do not match the shape")
        precondition(T.bitWidth <= 16 && s.kernelHeight * s.kernelWidth <= 1 << 16 && lower <= upper,
                     "average pool: int8/int16 values, windows of at most 65,536, and a clamp range")
    }

    @usableFromInline
    static func checkGlobal(_ input: Int, _ output: Int, _ size: Int) {
        precondition(size > 0 && size <= 1 << 16 && input == output * size, "global average pool: buffers do not match")
    }
}
