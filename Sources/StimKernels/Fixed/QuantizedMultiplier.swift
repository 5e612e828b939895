/// A non-negative real scale as an integer multiplier and a power-of-two shift: the value is
/// `multiplier · 2^(shift − 31)`, with `multiplier` in [2³⁰, 2³¹) (or zero for a zero scale).
/// Requantization uses it so that no floating point runs on the integer path.
public struct QuantizedMultiplier: Sendable, Equatable {
    public var multiplier: Int32
    /// Positive: scale up before the high multiply; negative: rounding right shift after it. In −31...30.
    public var shift: Int32

    public init(multiplier: Int32, shift: Int32) {
        self.multiplier = multiplier
        self.shift = shift
    }

    /// TFLite's `QuantizeMultiplier`: the nearest representable value to `real`. Scales below 2⁻³² become
    /// zero; scales of 2³⁰ or more saturate to the largest representable one.
    public init(_ real: Double) throws(QuantizationError) {
        guard real.isFinite, real >= 0 else { throw .invalidScale(real) }
        if real == 0 {
            self.init(multiplier: 0, shift: 0)
            return
        }
        // real = q · 2^e with q in [0.5, 1), as frexp would give, without libm.
        var e = Int32(real.exponent) + 1
        let q = real.significand / 2
        // q · 2³¹ is in [2³⁰, 2³¹) and exact; round it half away from zero by hand (no libm `round`).
        let scaled = q * 0x1p31
        var fixed = Int64(scaled)
        if scaled - Double(fixed) >= 0.5 { fixed += 1 }
        if fixed == 1 << 31 {
            fixed /= 2
            e += 1
        }
        if e < -31 {
            self.init(multiplier: 0, shift: 0)
        } else if e > 30 {
            self.init(multiplier: .max, shift: 30)
        } else {
            self.init(multiplier: Int32(fixed), shift: e)
        }
    }

    /// The real scale this multiplier stands for (exactly, as a Double).
    public var realValue: Double {
        var value = Double(multiplier) * 0x1p-31
        var s = shift
        while s > 0 { value *= 2; s -= 1 }
        while s < 0 { value /= 2; s += 1 }
        return value
    }
}

/// Why a quantization parameter cannot be used.
public enum QuantizationError: Error, Equatable, Sendable {
    /// A scale that is negative, NaN or infinite.
    case invalidScale(Double)
    /// A value to quantize that is NaN or infinite, at this index of its buffer.
    case notFinite(index: Int)
    /// A quantization range that is empty, reversed or not finite.
    case invalidRange(lower: Float, upper: Float)
}
