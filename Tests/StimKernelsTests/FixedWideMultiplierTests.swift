import Testing
@testable import StimKernels

/// The int64 `multiplyByQuantizedMultiplier` of the int16 layers against an exact closed form.
@Suite struct FixedWideMultiplierTests {
    /// ⌊x · m / 2^(31 − shift) + ½⌋ where x · m fits Int64 (|x| < 2³¹).
    static func closedForm(_ x: Int64, _ m: QuantizedMultiplier) -> Int64 {
        let t = Int64(31 - m.shift)
        return (x * Int64(m.multiplier) + (1 << (t - 1))) >> t
    }

    @Test func matchesClosedForm() throws {
        var rng = Xoshiro256StarStar(seed: 51)
        for _ in 0..<100_000 {
            let m = QuantizedMultiplier(multiplier: Int32(rng.nextInt(in: (1 << 30)..<(1 << 31))), shift: Int32(rng.nextInt(in: -31...30)))
            let x = Int64(Int32(truncatingIfNeeded: rng.next())) >> Int64(rng.nextInt(in: 0..<31))
            #expect(Int64(FixedPoint.multiplyByQuantizedMultiplier(x, m)) == Int64(Int32(clamping: Self.closedForm(x, m))), "x=\(x) m=\(m)")
        }
    }

    @Test func knownCasesAndSaturation() throws {
        let one = try QuantizedMultiplier(1), half = try QuantizedMultiplier(0.5)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(Int64(5), half) == 3)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(Int64(-5), half) == -2)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(Int64(Int32.min), one) == .min)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(Int64(Int32.max), one) == .max)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(Int64(Int32.max) + 1, one) == .max)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(Int64(Int32.min) - 1, one) == .min)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(Int64.max, QuantizedMultiplier(multiplier: .max, shift: 30)) == .max)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(Int64.min, QuantizedMultiplier(multiplier: .max, shift: 30)) == .min)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(Int64.max, QuantizedMultiplier(multiplier: 0, shift: 0)) == 0)
        // Beyond int32 before scaling, inside after: 2⁴⁰ · 2⁻²⁰ = 2²⁰; −(2⁴⁰ + 2¹⁹) · 2⁻²⁰ = −1048576.5 → −1048576.
        let small = try QuantizedMultiplier(0x1p-20)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(Int64(1) << 40, small) == 1 << 20)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(-((Int64(1) << 40) + (1 << 19)), small) == -(1 << 20))
        #expect(FixedPoint.multiplyByQuantizedMultiplier(-((Int64(1) << 40) + (1 << 19) + 1), small) == -(1 << 20) - 1)
    }
}
