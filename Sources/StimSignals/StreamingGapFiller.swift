/// `fillingShortGaps` for a signal that arrives sample by sample: a run of invalid (NaN) samples is held back
/// until it ends or grows past `maxGap`, then bridged by the same arithmetic or released as NaN, so the whole
/// signal pushed in any chunk sizes gives exactly the offline values. The output lags by the open run, at most
/// `maxGap` samples.
public struct StreamingGapFiller: Sendable {
    public let maxGap: Int
    /// The last valid sample, the `before` of a run.
    private var before: Float?
    /// Length of the invalid run being held back.
    private var held = 0
    /// The current run is already longer than `maxGap`: it stays NaN.
    private var overlong = false

    public init(maxGap: Int) {
        self.maxGap = max(0, maxGap)
    }

    /// Samples held back, waiting for their run to end.
    public var heldCount: Int { held }

    public mutating func push(_ x: Float, into output: inout [Float]) {
        guard !x.isNaN else {
            if overlong {
                output.append(.nan)
            } else {
                held += 1
                if held > maxGap {
                    output.append(contentsOf: repeatElement(Float.nan, count: held))
                    held = 0
                    overlong = true
                }
            }
            return
        }
        if held > 0 {
            let length = held
            for k in 0..<length {
                if let b = before {
                    output.append(b + (x - b) * Float(k + 1) / Float(length + 1))
                } else {
                    output.append(x)
                }
            }
            held = 0
        }
        overlong = false
        before = x
        output.append(x)
    }

    /// Releases a run left open at the end: held at the last valid value when short enough, otherwise NaN.
    public mutating func finish(into output: inout [Float]) {
        guard held > 0 else { return }
        output.append(contentsOf: repeatElement(before ?? .nan, count: held))
        held = 0
    }
}
