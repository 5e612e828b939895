extension FixedPoint {
    /// `x · m` for an int64 accumulator (the int16 layers), rounded once, ties toward +∞, saturated to
    /// int32. The product is formed exactly in 128 bits: TFLite's int64 form first cuts the multiplier to
    /// 15 bits, which costs up to one output step at int16 scale.
    @inlinable
    public static func multiplyByQuantizedMultiplier(_ x: Int64, _ m: QuantizedMultiplier) -> Int32 {
        precondition(m.shift >= -31 && m.shift <= 30, "QuantizedMultiplier shift outside -31...30")
        // x · multiplier · 2^(shift − 31): a right shift by 31 − shift, in 1...62.
        let shift = UInt64(31 - m.shift)
        let product = x.multipliedFullWidth(by: Int64(m.multiplier))
        // Add the rounding half, 2^(shift − 1), with carry into the high word.
        let (low, carry) = product.low.addingReportingOverflow(1 << (shift - 1))
        let high = product.high &+ (carry ? 1 : 0)
        // Arithmetic shift of the 128-bit (high, low) right by `shift`.
        let resultHigh = high >> Int64(shift)
        let resultLow = (low >> shift) | (UInt64(bitPattern: high) << (64 - shift))
        switch resultHigh {
        case 0: return resultLow > UInt64(Int32.max) ? .max : Int32(resultLow)
        case -1: return Int32(clamping: resultLow >= 1 << 63 ? Int64(bitPattern: resultLow) : .min)
        default: return resultHigh > 0 ? .max : .min
        }
    }
}
