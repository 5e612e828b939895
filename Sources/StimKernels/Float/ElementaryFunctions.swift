/// exp, tanh and the logistic sigmoid in float32 without libm (StimKernels links nothing), to within
/// about 2 ulp over the whole float range (FloatElementaryFunctionsTests measures it against libm).
/// Plain multiplies and adds only, so every device computes the same bits.
public enum FloatMath {
    /// eˣ. x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so n·ln2 is exact), eʳ by its Taylor
    /// polynomial to degree 7 (truncation below 6·10⁻⁹), then scaled by 2ⁿ.
    public static func exp(_ x: Float) -> Float {
        if x.isNaN { return x }
        if x > 88.72284 { return .infinity }
        if x < -103.97208 { return 0 }
        // Rounding by truncating conversion: `rounded()` may become a libm call (rintf) on some targets.
        let scaled = x * 1.442695
        let whole = Int(scaled + (scaled >= 0 ? 0.5 : -0.5))
        let n = Float(whole)
        let p = exponentialOfRemainder(x, n)
        // Two steps so 2ⁿ stays representable when eˣ is subnormal or near the top of the range.
        let half = whole / 2
        return p * Float(sign: .plus, exponent: half, significand: 1)
            * Float(sign: .plus, exponent: whole - half, significand: 1)
    }

    /// eˣ on eight lanes by the same steps as the scalar `exp`, so each lane gives the scalar's bits (kernel
    /// rows of an RBF SVM use it; its predictions use the scalar one).
    public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let low = SIMD8<Float>(repeating: -103.97208), high = SIMD8<Float>(repeating: 88.72284)
        let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        let scaled = clamped * 1.442695
        // The scalar's Int(s ± 0.5), without a float-to-integer conversion the compiler would do lane by lane:
        // ⌊|s| + 0.5⌋ from round-to-nearest by the 2²³ trick, corrected down where it rounded up, then the sign.
        let magnitude = scaled.replacing(with: -scaled, where: scaled .< 0) + 0.5
        var whole = (magnitude + 8_388_608) - 8_388_608
        whole.replace(with: whole - 1, where: whole .> magnitude)
        let n = whole.replacing(with: -whole, where: scaled .< 0)
        // n's integer value read off the bits of n + 1.5·2²³.
        let integer = unsafeBitCast(n + 12_582_912, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let p = exponentialOfRemainder(clamped, n)
        // 2ⁿ in two factors, as the scalar: both halves stay within the normal exponents for the clamped range.
        let half = integer / 2
        let first = unsafeBitCast((half &+ 127) &<< 23, to: SIMD8<Float>.self)
        let second = unsafeBitCast((integer &- half &+ 127) &<< 23, to: SIMD8<Float>.self)
        var result = p * first * second
        result.replace(with: 0, where: x .< -103.97208)
        result.replace(with: Float.infinity, where: x .> 88.72284)
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// eʳ for r = x − n·ln2 (ln2 split in two so n·ln2 is exact): the degree-7 Taylor polynomial by Horner's
    /// scheme, the same operations for one value and for eight lanes.
    @inline(__always)
    static func exponentialOfRemainder<T: HornerOperand>(_ x: T, _ n: T) -> T {
        let r = (x - n * 0.693_145_751_953_125) - n * 1.428_606_765_330_187e-06
        var p = r * (1.0 / 5040) + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        return p * r + 1
    }

    /// tanh x. Near zero 1 − 2/(e²ˣ + 1) would cancel, so |x| < 0.55 uses the odd Taylor series
    /// (ten terms: the ratio of successive terms is below (0.55/(π/2))² ≈ 0.12).
    public static func tanh(_ x: Float) -> Float {
        if x.isNaN { return x }
        let magnitude = abs(x)
        if magnitude < 0.55 {
            let x2 = x * x
            var p: Float = -2.391291142e-04
            p = p * x2 + 5.900274409e-04
            p = p * x2 - 1.455834387e-03
            p = p * x2 + 21844.0 / 6_081_075
            p = p * x2 - 1382.0 / 155_925
            p = p * x2 + 62.0 / 2835
            p = p * x2 - 17.0 / 315
            p = p * x2 + 2.0 / 15
            p = p * x2 - 1.0 / 3
            return x + x * x2 * p
        }
        // tanh rounds to 1 in float beyond 9.01; stopping there also keeps exp(2|x|) finite.
        if magnitude > 9.1 { return x > 0 ? 1 : -1 }
        let t = 1 - 2 / (exp(2 * magnitude) + 1)
        return x > 0 ? t : -t
    }

    /// ln x in double precision then rounded (losses and entropies need it; the kernels stay libm-free).
    public static func log(_ x: Float) -> Float {
        Float(naturalLog(Double(x)))
    }

    /// 1 / (1 + e⁻ˣ), written as eˣ / (1 + eˣ) for x < 0 so tiny results keep their relative precision.
    public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }
}

/// What `exponentialOfRemainder` needs of its operand: float32 arithmetic, on one value or on lanes.
@usableFromInline
protocol HornerOperand {
    static func * (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Float) -> Self
    static func + (lhs: Self, rhs: Float) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
}

extension Float: HornerOperand {}
extension SIMD8: HornerOperand where Scalar == Float {}
