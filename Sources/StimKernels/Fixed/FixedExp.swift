/// exp(x) for x ≤ 0 in integer arithmetic (gemmlowp's `exp_on_negative_values` scheme), so an RBF kernel runs
/// without floating point. The argument is Q5.26 in an int32 (x = argument · 2⁻²⁶, so int32 covers [−32, 0]);
/// the result is Q0.31 (2³¹ − 1 stands for 1). x is split as −(a multiple of ¼) + r with r in [−¼, 0):
/// exp(r) comes from a 4th-order Taylor polynomial around −⅛, and each set bit of the multiple of ¼
/// multiplies in a constant exp(−2ᵏ). Error: within the polynomial's truncation bound (⅛)⁵/5! ≈ 2.5·10⁻⁷
/// (about 550 units of 2⁻³¹; tested over the whole range), far below an int16 feature step.
public enum FixedExp {
    /// Fractional bits of the argument.
    public static let argumentFractionBits: Int32 = 26

    /// round(exp(−2ᵏ) · 2³¹) for k = −2 … 4: the factors for the multiples of ¼ (bit 24 + k of the argument).
    static let powerFactors: [Int32] = [1_672_461_947, 1_302_514_674, 790_015_084, 290_630_308, 39_332_535, 720_401, 242]

    /// exp(argument · 2⁻²⁶) in Q0.31 for argument ≤ 0; a positive argument is taken as 0 (result 2³¹ − 1).
    public static func onNegativeValues(_ argument: Int32) -> Int32 {
        guard argument < 0 else { return .max }
        let quarter: Int32 = 1 << 24
        // r − ¼·… : the argument's part below ¼, moved into [−¼, 0); the rest is a non-negative multiple of ¼.
        let modQuarter = (argument & (quarter - 1)) - quarter
        var result = onQuarterInterval(modQuarter << 5)
        let multiple = modQuarter - argument
        for k in 0..<7 where multiple & (quarter << Int32(k)) != 0 {
            result = FixedPoint.saturatingRoundingDoublingHighMul(result, powerFactors[k])
        }
        return result
    }

    /// exp(a) for a in [−¼, 0), Q0.31 in and out: exp(−⅛) · (1 + t + t²/2 + t³/6 + t⁴/24) with t = a + ⅛.
    static func onQuarterInterval(_ a: Int32) -> Int32 {
        let expMinusEighth: Int32 = 1_895_147_668, oneThird: Int32 = 715_827_883
        let t = a + (1 << 28)
        let t2 = FixedPoint.saturatingRoundingDoublingHighMul(t, t)
        let t3 = FixedPoint.saturatingRoundingDoublingHighMul(t2, t)
        let t4 = FixedPoint.saturatingRoundingDoublingHighMul(t2, t2)
        let t4Over4 = FixedPoint.roundingDivideByPowerOfTwo(t4, 2)
        // ((t⁴/4 + t³)/3 + t²)/2 = t⁴/24 + t³/6 + t²/2.
        let higher = FixedPoint.roundingDivideByPowerOfTwo(
            FixedPoint.saturatingRoundingDoublingHighMul(t4Over4 + t3, oneThird) + t2, 1)
        return expMinusEighth + FixedPoint.saturatingRoundingDoublingHighMul(expMinusEighth, t + higher)
    }
}
