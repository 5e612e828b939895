/// What one channel's samples looked like over one minute at the input rate, after short gaps were bridged:
/// the evidence for a minute's `SignalQuality`.
struct ChannelTally: Sendable {
    var count = 0
    var invalid = 0
    var saturated = 0
    var low = Float.infinity
    var high = -Float.infinity

    mutating func add(_ x: Float, limits: ClosedRange<Float>?) {
        count += 1
        guard !x.isNaN else {
            invalid += 1
            return
        }
        if let limits, x <= limits.lowerBound || x >= limits.upperBound { saturated += 1 }
        low = min(low, x)
        high = max(high, x)
    }

    /// No valid sample differs from another (or there is none).
    var isConstant: Bool { count == invalid || low == high }
}

/// The evidence for one minute: every channel's tally and the samples that never arrived.
struct MinuteTally: Sendable {
    var channels: [ChannelTally]
    /// Samples the daemon inserted because none arrived (a stalled or unplugged belt).
    var missing = 0

    init(channels: Int) {
        self.channels = Array(repeating: ChannelTally(), count: channels)
    }

    /// The flag for this minute, by precedence: nothing arrived, invalid samples, clipping, no movement.
    /// `resampledValid` says whether the model-rate samples are all finite.
    func quality(maxGap: Int, saturatedShare: Double, resampledValid: Bool) -> SignalQuality {
        if missing > maxGap || channels.allSatisfy({ $0.count > 0 && $0.invalid == $0.count }) { return .disconnected }
        if !resampledValid || channels.contains(where: { $0.invalid > 0 }) { return .gap }
        if channels.contains(where: { $0.count > 0 && Double($0.saturated) >= saturatedShare * Double($0.count) }) {
            return .saturated
        }
        // Every channel still (a belt that reads a constant once unplugged) or one of them (a flat line).
        if channels.allSatisfy(\.isConstant) { return .disconnected }
        if channels.contains(where: \.isConstant) { return .flat }
        return .good
    }
}
