import Foundation

/// Changes a signal's sampling rate by a rational factor up/down with a windowed-sinc low-pass filter, the
/// method (and the filter) of `scipy.signal.resample_poly`: upsample by `up`, low-pass at the lower of the two
/// Nyquist rates with a Kaiser-windowed sinc (β = 5, 10 · max(up, down) taps each side), downsample by `down`.
/// Going down it removes what the new rate cannot hold instead of aliasing it; going up it interpolates.
/// The signal is taken as zero beyond its ends. A NaN sample makes every output within its filter span NaN, so
/// gaps stay visible (repair short gaps first: `GapFilling`).
public struct Resampler: Sendable {
    public let up: Int
    public let down: Int
    let taps: [Double]
    let halfLength: Int

    /// A resampler from `source` to `target` Hz, or nil when the ratio is not a fraction with terms up to 10,000
    /// (e.g. 25.6 Hz → 1 Hz is 5/128; 100 → 1 is 1/100).
    public init?(from source: Double, to target: Double) {
        guard source.isFinite, target.isFinite, source > 0, target > 0,
              let (p, q) = Self.fraction(target / source, maxTerm: 10_000) else { return nil }
        up = p
        down = q
        let maxRate = max(p, q)
        let half = 10 * maxRate
        halfLength = half
        let cutoff = 1 / Double(maxRate)  // relative to the upsampled Nyquist frequency
        let n = 2 * half + 1
        var h = (0..<n).map { i -> Double in
            let m = Double(i - half)
            let x = Double.pi * cutoff * m
            let sinc = m == 0 ? 1 : sin(x) / x
            let r = 2 * Double(i) / Double(n - 1) - 1
            return cutoff * sinc * besselI0(5 * (max(0, 1 - r * r)).squareRoot()) / besselI0(5)
        }
        let sum = h.reduce(0, +)
        h = h.map { $0 / sum * Double(p) }  // unit gain at DC, times the upsampling factor
        taps = h
    }

    /// Number of output samples for `count` input samples: ⌈count · up / down⌉.
    public func outputCount(_ count: Int) -> Int { (count * up + down - 1) / down }

    public func resample(_ x: [Float]) -> [Float] {
        if up == 1 && down == 1 { return x }
        let n = x.count
        return (0..<outputCount(n)).map { m in
            // y[m] = Σ_k h[t − up·k] · x[k], t = m·down + halfLength in upsampled time.
            let t = m * down + halfLength
            let first = max(0, (t - (taps.count - 1) + up - 1) / up)
            let last = min(n - 1, t / up)
            var acc = 0.0
            if first <= last {
                for k in first...last { acc += taps[t - up * k] * Double(x[k]) }
            }
            return Float(acc)
        }
    }

    /// p/q within 1e-9 (relative) of `ratio`, from its continued fraction; nil if the terms grow past `maxTerm`.
    static func fraction(_ ratio: Double, maxTerm: Int) -> (Int, Int)? {
        var (p0, q0, p1, q1) = (0, 1, 1, 0)
        var x = ratio
        for _ in 0..<40 {
            let a = x.rounded(.down)
            guard a < Double(maxTerm) + 1 else { return nil }
            let ai = Int(a)
            (p0, q0, p1, q1) = (p1, q1, ai * p1 + p0, ai * q1 + q0)
            guard p1 <= maxTerm, q1 <= maxTerm else { return nil }
            if abs(Double(p1) / Double(q1) - ratio) <= 1e-9 * ratio { return (p1, q1) }
            let fractional = x - a
            guard fractional > 1e-12 else { break }
            x = 1 / fractional
        }
        return abs(Double(p1) / Double(q1) - ratio) <= 1e-9 * ratio ? (p1, q1) : nil
    }
}

/// Modified Bessel function of the first kind, order 0, by its power series (converges fast for β ≤ 10).
func besselI0(_ x: Double) -> Double {
    var sum = 1.0, term = 1.0
    for k in 1..<60 {
        term *= (x / (2 * Double(k))) * (x / (2 * Double(k)))
        sum += term
        if term < 1e-17 * sum { break }
    }
    return sum
}
