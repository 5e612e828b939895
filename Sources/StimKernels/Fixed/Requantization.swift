/// The gemmlowp / TensorFlow Lite fixed-point primitives that turn an int32 accumulator into the next
/// layer's scale without floating point, so a Pi Zero and an x86 server compute the same bits.
/// A real multiplier `m` is stored as `multiplier · 2^(shift − 31)` with `multiplier` in [2³⁰, 2³¹).
public enum FixedPoint {
    /// `⌊a · b / 2³¹ + ½⌋` (ties toward +∞), saturated: the only overflow, INT32_MIN · INT32_MIN, gives
    /// INT32_MAX (gemmlowp `SaturatingRoundingDoublingHighMul`, whose tie rule this keeps bit for bit).
    @inlinable @inline(__always)
    public static func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
        if a == .min && b == .min { return .max }
        let product = Int64(a) * Int64(b)
        let nudge: Int64 = product >= 0 ? 1 << 30 : 1 - (1 << 30)
        // gemmlowp's nudge-then-truncating-division form, kept literally so the bits match TFLite.
        return Int32(truncatingIfNeeded: (product + nudge) / (1 << 31))
    }

    /// `round(x / 2^exponent)` with ties away from zero, for `exponent` in 0...31 (gemmlowp `RoundingDivideByPOT`).
    @inlinable @inline(__always)
    public static func roundingDivideByPowerOfTwo(_ x: Int32, _ exponent: Int32) -> Int32 {
        precondition(exponent >= 0 && exponent <= 31, "exponent must be in 0...31")
        let mask = Int32(truncatingIfNeeded: (Int64(1) << Int64(exponent)) - 1)
        let remainder = x & mask
        let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
        return (x >> exponent) + (remainder > threshold ? 1 : 0)
    }

    /// `x · m` rounded to nearest (TFLite `MultiplyByQuantizedMultiplier`). A positive shift scales `x` up
    /// first; that left shift saturates instead of overflowing (TFLite leaves the overflow undefined).
    @inlinable @inline(__always)
    public static func multiplyByQuantizedMultiplier(_ x: Int32, _ m: QuantizedMultiplier) -> Int32 {
        let leftShift = m.shift > 0 ? m.shift : 0
        let rightShift = m.shift > 0 ? 0 : -m.shift
        let scaled = Int32(clamping: Int64(x) << Int64(leftShift))
        return roundingDivideByPowerOfTwo(saturatingRoundingDoublingHighMul(scaled, m.multiplier), rightShift)
    }
}
