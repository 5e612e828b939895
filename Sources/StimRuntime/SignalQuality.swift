/// Why a minute was or was not scored. Only `good` minutes are scored; the others are never counted as apnea
/// or as normal breathing.
public enum SignalQuality: String, Sendable, CaseIterable, Codable {
    case good
    /// A channel did not change for the whole minute.
    case flat
    /// A channel sat at its recorder's limit (clipped) for much of the minute.
    case saturated
    /// No samples arrived (belt unplugged, stream stopped) for a stretch longer than the gap limit.
    case disconnected
    /// Samples were missing or invalid for longer than can be bridged.
    case gap
    /// Samples arrived at a rate other than the stated one.
    case wrongRate = "wrong-rate"
}
