/// The dot product Σᵢ x[i] · y[i] of two float32 buffers of the same count.
public enum Dot {
    /// A plain left-to-right loop: the definition the SIMD version is checked against.
    public static func reference(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Float {
        precondition(x.count == y.count, "Dot: counts differ")
        var s: Float = 0
        for i in 0..<x.count { s += x[i] * y[i] }
        return s
    }

    /// Two sets of eight running sums (to hide the add latency), added together at the end: a different order
    /// than `reference`, so they agree within rounding.
    @inlinable
    public static func optimized(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var a = SIMD8<Float>(), b = SIMD8<Float>()
        var i = 0
        while i + 16 <= count {
            a += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            b += UnsafeRawPointer(x + i + 8).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(y + i + 8).loadUnaligned(as: SIMD8<Float>.self)
            i += 16
        }
        if i + 8 <= count {
            a += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        a += b
        var s = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))
        while i < count {
            s += x[i] * y[i]
            i += 1
        }
        return s
    }

    public static func optimized(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Float {
        precondition(x.count == y.count, "Dot: counts differ")
        guard let xp = x.baseAddress, let yp = y.baseAddress else { return 0 }
        return optimized(xp, yp, count: x.count)
    }
}
