import Testing
@testable import StimKernels

@Suite struct RandomTests {
    // Rosetta Code "Pseudo-random numbers/Splitmix64": first five outputs for seed 1234567.
    @Test func splitMix64ReferenceOutputs() {
        var sm = SplitMix64(seed: 1_234_567)
        let expected: [UInt64] = [
            6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
            4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
        ]
        #expect((0..<5).map { _ in sm.next() } == expected)
    }

    // The reference test of Vigna's xoshiro256** as ported to C++ (state {1, 2, 3, 4}, first ten outputs).
    @Test func xoshiro256StarStarReferenceOutputs() {
        var g = Xoshiro256StarStar(state: (1, 2, 3, 4))
        let expected: [UInt64] = [
            11520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360,
            607_988_272_756_665_600, 16_172_922_978_634_559_625, 8_476_171_486_693_032_832,
            10_595_114_339_597_558_777, 2_904_607_092_377_533_576,
        ]
        #expect((0..<10).map { _ in g.next() } == expected)
    }

    // Seeding fills the state with SplitMix64's first four outputs, as the xoshiro authors recommend.
    @Test func seedingUsesSplitMix64() {
        var sm = SplitMix64(seed: 42)
        let g = Xoshiro256StarStar(seed: 42)
        #expect([g.s0, g.s1, g.s2, g.s3] == [sm.next(), sm.next(), sm.next(), sm.next()])
        #expect(Xoshiro256StarStar(seed: 42) != Xoshiro256StarStar(seed: 43))
        #expect(Xoshiro256StarStar(seed: 42, stream: 0) != Xoshiro256StarStar(seed: 42, stream: 1))
        // The all-zero state is a fixed point of xoshiro; it must not be accepted as is.
        var zero = Xoshiro256StarStar(state: (0, 0, 0, 0))
        #expect(zero.next() != 0 || zero.next() != 0)
    }

    // Uniform [0, 1): mean 1/2 and variance 1/12; with n = 10⁶ the standard errors are 2.9e-4 and 2.6e-4,
    // so the tolerances are ~7 standard errors.
    @Test func uniformMoments() {
        var g = Xoshiro256StarStar(seed: 7)
        let n = 1_000_000
        var sum = 0.0, sumSquares = 0.0, fsum = 0.0
        var minimum = 1.0, maximum = 0.0
        var floatMinimum: Float = 1, floatMaximum: Float = 0
        for _ in 0..<n {
            let u = g.nextDouble()
            sum += u
            sumSquares += u * u
            minimum = min(minimum, u)
            maximum = max(maximum, u)
            let f = g.nextFloat()
            floatMinimum = min(floatMinimum, f)
            floatMaximum = max(floatMaximum, f)
            fsum += Double(f)
        }
        let mean = sum / Double(n)
        #expect(abs(mean - 0.5) < 0.002)
        #expect(abs(sumSquares / Double(n) - mean * mean - 1.0 / 12) < 0.002)
        #expect(abs(fsum / Double(n) - 0.5) < 0.002)
        #expect(minimum >= 0 && minimum < 1e-4 && maximum < 1 && maximum > 1 - 1e-4)
        #expect(floatMinimum >= 0 && floatMinimum < 1e-4 && floatMaximum < 1 && floatMaximum > 1 - 1e-4)
    }

    // Every value of a small range appears with frequency 1/k (chi-square, 9 degrees of freedom: the
    // 99.99th percentile is 33.7), and nothing outside it.
    @Test func integerRangeIsUniform() {
        var g = Xoshiro256StarStar(seed: 99)
        let n = 200_000
        var counts = [Int](repeating: 0, count: 10)
        var outside = 0
        for _ in 0..<n {
            let v = g.nextInt(in: -3..<7)
            if v < -3 || v >= 7 { outside += 1 } else { counts[v + 3] += 1 }
        }
        #expect(outside == 0)
        let expected = Double(n) / 10
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chiSquare < 33.7)
        #expect(g.nextInt(in: 5...5) == 5)
        #expect((0..<1000).allSatisfy { _ in (Int.max - 1...Int.max).contains(g.nextInt(in: Int.max - 1...Int.max)) })
    }

    // Standard normal: mean 0, variance 1, and tail masses P(|z| > 2) = 0.0455, P(|z| > 3) = 0.0027
    // (Φ tables). n = 10⁶: standard errors 1e-3 (mean), 1.4e-3 (variance), 2.1e-4 and 5.2e-5 (tails).
    @Test func normalMomentsAndTails() {
        var g = Xoshiro256StarStar(seed: 2024)
        let n = 1_000_000
        var sum = 0.0, sumSquares = 0.0, sumFourth = 0.0
        var beyond2 = 0, beyond3 = 0
        for _ in 0..<n {
            let z = g.nextNormal()
            sum += z
            sumSquares += z * z
            sumFourth += z * z * z * z
            if abs(z) > 2 { beyond2 += 1 }
            if abs(z) > 3 { beyond3 += 1 }
        }
        let mean = sum / Double(n)
        #expect(abs(mean) < 0.006)
        #expect(abs(sumSquares / Double(n) - 1) < 0.008)
        #expect(abs(sumFourth / Double(n) - 3) < 0.06)  // kurtosis of a normal is 3
        #expect(abs(Double(beyond2) / Double(n) - 0.0455) < 0.0012)
        #expect(abs(Double(beyond3) / Double(n) - 0.0027) < 0.0003)
    }

    // The libm-free helpers against their defining identities and known constants.
    @Test func logAndSquareRootHelpers() {
        #expect(naturalLog(1) == 0)
        #expect(abs(naturalLog(2) - 0.6931471805599453) < 1e-15)
        #expect(abs(naturalLog(10) - 2.302585092994046) < 1e-14)
        for x in [1e-150, 1e-20, 0.001, 0.3, 0.7071, 1.4143, 3.0, 123.456, 1e150] {
            #expect(abs(naturalLog(x * x) - 2 * naturalLog(x)) < 1e-12 * max(1, abs(naturalLog(x))))
            let r = squareRoot(x)
            #expect(abs(r * r - x) <= 5e-16 * x)
        }
        #expect(squareRoot(4) == 2)
        #expect(squareRoot(0.25) == 0.5)
    }
}
