/// SplitMix64 (Steele, Lea & Flood 2014; Vigna's reference `splitmix64.c`): turns one 64-bit seed into
/// well-mixed words. Used only to fill xoshiro's state, because xoshiro must not start from a
/// low-entropy (e.g. mostly zero) state.
public struct SplitMix64: Sendable, Equatable {
    public var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function: a bijective avalanche of `x`. Derives independent seeds from
    /// (seed, stream) pairs without stepping a generator.
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman & Vigna 2018): the seeded generator behind every random choice in stim,
/// so a run is reproducible from its seed on any machine. Not cryptographic.
public struct Xoshiro256StarStar: Sendable, Equatable {
    public private(set) var s0, s1, s2, s3: UInt64
    /// The second normal of the last polar-method pair, handed out by the next `nextNormal()`.
    private var spareNormal: Double?

    /// State from SplitMix64(seed), as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next()
        s1 = sm.next()
        s2 = sm.next()
        s3 = sm.next()
    }

    /// An independent generator for `stream` of `seed` (e.g. one per simulated person and purpose).
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: seed ^ SplitMix64.mix(stream &+ 0x6A09_E667_F3BC_C908))
    }

    /// The raw state, for reference tests. An all-zero state would only ever produce zeros, so it is
    /// replaced by the state of `init(seed: 0)`.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        if state == (0, 0, 0, 0) {
            self = Xoshiro256StarStar(seed: 0)
        } else {
            (s0, s1, s2, s3) = state
            spareNormal = nil
        }
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// Uniform in [0, 1) on the grid of 2⁻⁵³ (the top 53 bits: the low bits of ** are the weakest).
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [0, 1) on the grid of 2⁻²⁴.
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// Uniform in [lower, upper).
    public mutating func nextDouble(in range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextDouble()
    }

    /// Uniform integer in `range`, without modulo bias (Lemire's multiply-and-reject).
    public mutating func nextInt(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "nextInt(in:) needs a non-empty range")
        let span = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound))
        var product = next().multipliedFullWidth(by: span)
        if product.low < span {
            let threshold = (0 &- span) % span
            while product.low < threshold {
                product = next().multipliedFullWidth(by: span)
            }
        }
        return range.lowerBound &+ Int(bitPattern: UInt(product.high))
    }

    /// Uniform integer in `range` (closed).
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        if range.lowerBound == Int.min && range.upperBound == Int.max {
            return Int(truncatingIfNeeded: next())
        }
        if range.upperBound == Int.max {
            return nextInt(in: (range.lowerBound - 1)..<range.upperBound) + 1
        }
        return nextInt(in: range.lowerBound..<(range.upperBound + 1))
    }

    /// Standard normal (mean 0, variance 1) by Marsaglia's polar method; pairs are drawn together and
    /// the second is kept for the next call.
    public mutating func nextNormal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        while true {
            let u = 2 * nextDouble() - 1
            let v = 2 * nextDouble() - 1
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let factor = squareRoot(-2 * naturalLog(s) / s)
            spareNormal = v * factor
            return u * factor
        }
    }
}

@inline(__always)
private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
}

/// ln(x) for finite x > 0, to within a few ulp. StimKernels has no libm, so: x = m·2ᵉ with m in
/// [√½, √2), ln m = 2·atanh(r), r = (m−1)/(m+1), |r| < 0.172, whose odd series converges in 11 terms.
func naturalLog(_ x: Double) -> Double {
    var e = Double(x.exponent)
    var m = x.significand
    if m > 1.4142135623730951 {
        m *= 0.5
        e += 1
    }
    let r = (m - 1) / (m + 1)
    let r2 = r * r
    var term = r
    var sum = 0.0
    var k = 1.0
    for _ in 0..<11 {
        sum += term / k
        term *= r2
        k += 2
    }
    return 2 * sum + e * 0.6931471805599453
}

/// √x for finite x > 0. `Double.squareRoot()` compiles to a call into libm on Linux, which StimKernels
/// does not link: x = m·2²ᵏ with m in [1, 4), then Newton's iteration from (1 + m)/2, whose relative
/// error (≤ 25 %) squares each step, so six steps reach full precision.
func squareRoot(_ x: Double) -> Double {
    var k = x.exponent
    var m = x.significand
    if k & 1 != 0 {
        m *= 2
        k -= 1
    }
    var y = (1 + m) / 2
    for _ in 0..<6 { y = (y + m / y) / 2 }
    return Double(sign: .plus, exponent: k / 2, significand: y)
}
