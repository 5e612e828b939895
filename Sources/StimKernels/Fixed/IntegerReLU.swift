/// ReLU on quantized int8 or int16 values, in place: real max(x, 0) is a clamp at the zero point (and
/// a bounded ReLU such as ReLU6 a clamp at the quantized bound too). Inlinable so that callers in other
/// modules get it specialized to Int8 or Int16.
public enum IntegerReLU {
    @inlinable
    public static func reference<T: FixedWidthInteger & SignedInteger>(
        _ values: UnsafeMutableBufferPointer<T>, zeroPoint: T, upper: T = .max
    ) {
        precondition(zeroPoint <= upper, "ReLU: upper bound below the zero point")
        for i in values.indices { values[i] = min(max(values[i], zeroPoint), upper) }
    }

    /// Same bits, 16 lanes at a time. At -O the compiler vectorizes the reference about as well; at -Osize
    /// (the Embedded firmware builds) it does not, and this is an order of magnitude faster. One overload
    /// per type: SIMD compares on a generic scalar lower to a lane-by-lane loop, on a concrete one to
    /// vector instructions.
    @inlinable
    public static func optimized(_ values: UnsafeMutableBufferPointer<Int8>, zeroPoint: Int8, upper: Int8 = .max) {
        let low = SIMD16(repeating: zeroPoint), high = SIMD16(repeating: upper)
        clampLanes(values, zeroPoint, upper) { v in
            var v = v
            v.replace(with: low, where: v .< low)
            v.replace(with: high, where: v .> high)
            return v
        }
    }

    @inlinable
    public static func optimized(_ values: UnsafeMutableBufferPointer<Int16>, zeroPoint: Int16, upper: Int16 = .max) {
        let low = SIMD16(repeating: zeroPoint), high = SIMD16(repeating: upper)
        clampLanes(values, zeroPoint, upper) { v in
            var v = v
            v.replace(with: low, where: v .< low)
            v.replace(with: high, where: v .> high)
            return v
        }
    }

    /// Applies `clamp` to whole 16-lane blocks and the scalar clamp to the tail.
    @inlinable @inline(__always)
    static func clampLanes<T: FixedWidthInteger & SIMDScalar>(
        _ values: UnsafeMutableBufferPointer<T>, _ lower: T, _ upper: T, _ clamp: (SIMD16<T>) -> SIMD16<T>
    ) {
        precondition(lower <= upper, "ReLU: upper bound below the zero point")
        guard let base = values.baseAddress else { return }
        var i = 0
        while i + 16 <= values.count {
            let block = UnsafeMutableRawPointer(base + i)
            block.storeBytes(of: clamp(block.loadUnaligned(as: SIMD16<T>.self)), as: SIMD16<T>.self)
            i += 16
        }
        while i < values.count {
            base[i] = min(max(base[i], lower), upper)
            i += 1
        }
    }
}
