/// ReLU on quantized int8 or int16 values, in place: real max(x, 0) is a clamp at the zero point (and
/// a bounded ReLU such as ReLU6 a clamp at the quantized bound too).
public enum IntegerReLU {
    public static func reference<T: FixedWidthInteger & SignedInteger>(
        _ values: UnsafeMutableBufferPointer<T>, zeroPoint: T, upper: T = .max
    ) {
        precondition(zeroPoint <= upper, "ReLU: upper bound below the zero point")
        for i in values.indices { values[i] = min(max(values[i], zeroPoint), upper) }
    }

    /// Same bits, 16 lanes at a time.
    public static func optimized<T: FixedWidthInteger & SignedInteger & SIMDScalar>(
        _ values: UnsafeMutableBufferPointer<T>, zeroPoint: T, upper: T = .max
    ) {
        precondition(zeroPoint <= upper, "ReLU: upper bound below the zero point")
        guard let base = values.baseAddress else { return }
        let low = SIMD16<T>(repeating: zeroPoint), high = SIMD16<T>(repeating: upper)
        let raw = UnsafeMutableRawPointer(base)
        var i = 0
        while i + 16 <= values.count {
            let offset = i * MemoryLayout<T>.stride
            let v = raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<T>.self)
            raw.storeBytes(of: v.clamped(lowerBound: low, upperBound: high), toByteOffset: offset, as: SIMD16<T>.self)
            i += 16
        }
        while i < values.count {
            base[i] = min(max(base[i], zeroPoint), upper)
            i += 1
        }
    }
}
