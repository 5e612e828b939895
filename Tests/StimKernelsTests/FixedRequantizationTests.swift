import Testing
@testable import StimKernels

/// The gemmlowp/TFLite primitives against their closed forms, evaluated independently in Int64 and Double.
@Suite struct FixedRequantizationTests {
    /// ⌊p / 2³¹ + ½⌋ in Int64: an arithmetic shift is a floor.
    static func highMulClosedForm(_ a: Int32, _ b: Int32) -> Int64 {
        (Int64(a) * Int64(b) + (1 << 30)) >> 31
    }

    /// x / 2^e rounded half away from zero, via the magnitude.
    static func divideClosedForm(_ x: Int32, _ e: Int32) -> Int64 {
        let magnitude = Int64(x).magnitude
        let rounded = e == 0 ? magnitude : (magnitude + (1 << UInt64(e - 1))) >> UInt64(e)
        return x < 0 ? -Int64(rounded) : Int64(rounded)
    }

    static let edgeValues: [Int32] = [.min, .min + 1, -(1 << 30), -3, -2, -1, 0, 1, 2, 3, 1 << 30, .max - 1, .max]

    @Test func highMulKnownCases() {
        // The single overflow saturates (TFLite's documented edge case).
        #expect(FixedPoint.saturatingRoundingDoublingHighMul(.min, .min) == .max)
        #expect(FixedPoint.saturatingRoundingDoublingHighMul(.min, .max) == -Int32.max)
        #expect(FixedPoint.saturatingRoundingDoublingHighMul(.max, .max) == Int32.max - 1)
        // 2³⁰ · 1 / 2³¹ = ½ rounds up to 1; −½ rounds up to 0 (gemmlowp's nudge rule).
        #expect(FixedPoint.saturatingRoundingDoublingHighMul(1 << 30, 1) == 1)
        #expect(FixedPoint.saturatingRoundingDoublingHighMul(-(1 << 30), 1) == 0)
        #expect(FixedPoint.saturatingRoundingDoublingHighMul(-(1 << 30), 3) == -1)
    }

    @Test func highMulMatchesClosedForm() {
        var rng = Xoshiro256StarStar(seed: 1)
        var pairs = Self.edgeValues.flatMap { a in Self.edgeValues.map { (a, $0) } }
        for _ in 0..<200_000 {
            pairs.append((Int32(truncatingIfNeeded: rng.next()), Int32(truncatingIfNeeded: rng.next() >> UInt64(rng.nextInt(in: 0..<64)))))
        }
        for (a, b) in pairs where !(a == .min && b == .min) {
            #expect(Int64(FixedPoint.saturatingRoundingDoublingHighMul(a, b)) == Self.highMulClosedForm(a, b), "a=\(a) b=\(b)")
        }
    }

    @Test func divideByPowerOfTwoKnownCases() {
        #expect(FixedPoint.roundingDivideByPowerOfTwo(3, 1) == 2)
        #expect(FixedPoint.roundingDivideByPowerOfTwo(-3, 1) == -2)   // −1.5 → −2: ties away from zero
        #expect(FixedPoint.roundingDivideByPowerOfTwo(-5, 2) == -1)   // −1.25
        #expect(FixedPoint.roundingDivideByPowerOfTwo(-6, 2) == -2)   // −1.5
        #expect(FixedPoint.roundingDivideByPowerOfTwo(-7, 2) == -2)   // −1.75
        #expect(FixedPoint.roundingDivideByPowerOfTwo(.min, 31) == -1)
        #expect(FixedPoint.roundingDivideByPowerOfTwo(.max, 31) == 1)
        #expect(FixedPoint.roundingDivideByPowerOfTwo(-(1 << 30), 31) == -1) // −½ → −1
        #expect(FixedPoint.roundingDivideByPowerOfTwo(-(1 << 30) + 1, 31) == 0)
    }

    @Test func divideByPowerOfTwoMatchesClosedFormForEveryShift() {
        var rng = Xoshiro256StarStar(seed: 2)
        for e in Int32(0)...31 {
            var values = Self.edgeValues
            let tie = e == 0 ? Int32(0) : Int32(truncatingIfNeeded: Int64(1) << Int64(e - 1))
            values += [tie, -tie, tie &+ 1, -tie &- 1, tie &* 3, -(tie &* 3)]
            for _ in 0..<5_000 { values.append(Int32(truncatingIfNeeded: rng.next())) }
            for x in values {
                #expect(Int64(FixedPoint.roundingDivideByPowerOfTwo(x, e)) == Self.divideClosedForm(x, e), "x=\(x) e=\(e)")
            }
        }
    }

    @Test func multiplyByQuantizedMultiplierIsTheComposition() throws {
        var rng = Xoshiro256StarStar(seed: 3)
        for _ in 0..<100_000 {
            let m = QuantizedMultiplier(multiplier: Int32(rng.nextInt(in: (1 << 30)..<(1 << 31))), shift: Int32(rng.nextInt(in: -31...8)))
            let x = Int32(truncatingIfNeeded: Int64(rng.next() >> 32) - (1 << 31)) >> Int32(rng.nextInt(in: 0..<31))
            let left = Int64(x) << Int64(max(m.shift, 0))
            let scaled = Int32(clamping: left)
            let high = Self.highMulClosedForm(scaled, m.multiplier)
            let expected = Self.divideClosedForm(Int32(high), max(-m.shift, 0))
            let got = FixedPoint.multiplyByQuantizedMultiplier(x, m)
            #expect(Int64(got) == expected)
            // Unsaturated, the two roundings stay within one step of the exact product.
            if left == Int64(scaled) {
                #expect(abs(Double(got) - Double(x) * m.realValue) <= 1, "x=\(x) m=\(m)")
            }
        }
    }

    @Test func quantizeMultiplierRoundTrip() throws {
        var rng = Xoshiro256StarStar(seed: 4)
        for _ in 0..<100_000 {
            // Log-uniform over the representable range 2⁻³⁰ ... 2²⁹.
            var real = 1.0
            let e = rng.nextInt(in: -30...29)
            if e > 0 { for _ in 0..<e { real *= 2 } } else { for _ in 0..<(-e) { real /= 2 } }
            real *= 1 + rng.nextDouble()
            let q = try QuantizedMultiplier(real)
            #expect(q.multiplier >= 1 << 30)
            #expect(q.shift >= -31 && q.shift <= 30)
            // Rounding a 31-bit mantissa: relative error at most 2⁻³¹.
            #expect(abs(q.realValue - real) <= real * 0x1p-31, "real=\(real) q=\(q)")
        }
        #expect(try QuantizedMultiplier(0.5) == QuantizedMultiplier(multiplier: 1 << 30, shift: 0))
        #expect(try QuantizedMultiplier(1) == QuantizedMultiplier(multiplier: 1 << 30, shift: 1))
        #expect(try QuantizedMultiplier(0.75) == QuantizedMultiplier(multiplier: 3 << 29, shift: 0))
        // Just below a power of two: the mantissa rounds up to 2³¹ and is renormalized.
        #expect(try QuantizedMultiplier(1 - 0x1p-40) == QuantizedMultiplier(multiplier: 1 << 30, shift: 1))
        #expect(try QuantizedMultiplier(0) == QuantizedMultiplier(multiplier: 0, shift: 0))
        #expect(try QuantizedMultiplier(0x1p-40) == QuantizedMultiplier(multiplier: 0, shift: 0))
        #expect(try QuantizedMultiplier(0x1p40) == QuantizedMultiplier(multiplier: .max, shift: 30))
        for bad in [-1.0, .nan, .infinity] {
            #expect(throws: QuantizationError.self) { try QuantizedMultiplier(bad) }
        }
    }
}
