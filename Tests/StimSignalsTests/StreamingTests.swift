import Foundation
import StimKernels
import Testing
@testable import StimSignals

/// The streaming gap filler and resampler against their offline counterparts: any chunking of a signal must give
/// the offline values bit for bit, so a daemon's minutes equal `stim windows` and `stim classify`.
@Suite struct StreamingTests {
    /// A breathing-like signal with invalid runs of 1, `maxGap`, `maxGap + 1` and many samples, at both ends too.
    func signal(_ n: Int, seed: UInt64, maxGap: Int) -> [Float] {
        var rng = Xoshiro256StarStar(seed: seed)
        var x = (0..<n).map { i in Float(sin(Double(i) * 0.21) + 0.3 * rng.nextNormal()) }
        for (start, length) in [(0, 3), (n / 5, 1), (n / 3, maxGap), (n / 2, maxGap + 1), (2 * n / 3, 40), (n - 2, 2)] {
            for i in x.indices where i >= start && i < start + length { x[i] = .nan }
        }
        return x
    }

    /// Splits `x` into chunks of random sizes 0…`largest`.
    func chunks(_ x: [Float], seed: UInt64, largest: Int) -> [ArraySlice<Float>] {
        var rng = Xoshiro256StarStar(seed: seed)
        var out: [ArraySlice<Float>] = []
        var i = 0
        while i < x.count {
            let size = Int(rng.next() % UInt64(largest + 1))
            out.append(x[i..<min(x.count, i + size)])
            i += size
        }
        return out
    }

    @Test(arguments: [0, 5, 50])
    func gapFillerEqualsOffline(maxGap: Int) {
        let x = signal(3000, seed: UInt64(maxGap), maxGap: maxGap)
        var filler = StreamingGapFiller(maxGap: maxGap)
        var streamed: [Float] = []
        for part in chunks(x, seed: 7, largest: 17) { for v in part { filler.push(v, into: &streamed) } }
        filler.finish(into: &streamed)
        let offline = fillingShortGaps(x, maxGap: maxGap)
        #expect(streamed.count == offline.count)
        #expect(zip(streamed, offline).allSatisfy { $0.bitPattern == $1.bitPattern })
        // Exactly the runs longer than maxGap stay invalid (runs of 3, 1, maxGap, maxGap + 1, 40 and 2).
        #expect(offline.filter(\.isNaN).count == [0: 47, 5: 46, 50: 51][maxGap])
    }

    /// 10 → 1 Hz (1/10), 1 → 1, 4 → 1, 25.6 → 1 (5/128) and 1 → 4 (upsampling), with NaN runs that stay NaN.
    @Test(arguments: [(10.0, 1.0), (1.0, 1.0), (4.0, 1.0), (25.6, 1.0), (1.0, 4.0)])
    func resamplerEqualsOffline(rates: (Double, Double)) throws {
        let resampler = try #require(Resampler(from: rates.0, to: rates.1))
        for (seed, n) in [(UInt64(1), 4000), (2, 7), (3, 0)] {
            let x = signal(n, seed: seed, maxGap: 5)
            var stream = StreamingResampler(resampler)
            var streamed: [Float] = []
            for part in chunks(x, seed: seed + 10, largest: 97) { stream.push(part, into: &streamed) }
            let beforeEnd = streamed.count
            stream.finish(into: &streamed)
            let offline = resampler.resample(x)
            #expect(streamed.count == offline.count)
            #expect(zip(streamed, offline).allSatisfy { $0.bitPattern == $1.bitPattern })
            // Outputs came out as the input arrived, not all at the end.
            if n == 4000 { #expect(beforeEnd >= offline.count - resampler.outputCount(resampler.halfLength / resampler.up + 1) - 1) }
        }
    }
}
