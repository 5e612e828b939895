/// Applies a causal `WindowNormalization` to consecutive minutes (channel-major, `samplesPerChannel` values per
/// channel), the one code path that offline windows (`Windower`) and live scoring share. Every minute must pass
/// through it in order, usable or not, so a running z-score's history means time. The whole-recording z-score
/// is not causal and has no place here (nil).
public struct MinuteNormalizer: Sendable {
    public let normalization: WindowNormalization
    public let channels: Int
    private var running: RunningNormalizer?

    /// Nil for `.recordZScore`, which needs the whole recording first.
    public init?(_ normalization: WindowNormalization, channels: Int) {
        self.normalization = normalization
        self.channels = channels
        switch normalization.method {
        case .recordZScore: return nil
        case .runningZScore(let history):
            running = RunningNormalizer(channels: channels, historyMinutes: history, epsilon: normalization.epsilon,
                                        clip: normalization.clip)
        case .none, .fixedAffine: running = nil
        }
    }

    /// Why the normalization cannot apply to `channels` channels, or nil when it can.
    public static func problem(_ normalization: WindowNormalization, channels: Int) -> String? {
        switch normalization.method {
        case .recordZScore: return "whole-recording z-score is not causal: it cannot normalize minutes as they come"
        case .fixedAffine(let offset, let scale) where offset.count != channels || scale.count != channels:
            return "fixed-affine normalization needs one offset and one scale per channel (\(channels))"
        default: return nil
        }
    }

    /// Scales a usable minute in place and remembers it in the history.
    public mutating func normalize(_ minute: inout [Float], samplesPerChannel t: Int) {
        switch normalization.method {
        case .none, .recordZScore: break
        case .runningZScore: running?.normalize(&minute, samplesPerChannel: t)
        case .fixedAffine(let offset, let scale):
            for c in 0..<min(channels, offset.count, scale.count) {
                for i in (c * t)..<((c + 1) * t) { minute[i] = clipped((minute[i] - offset[c]) * scale[c], normalization.clip) }
            }
        }
    }

    /// Remembers a minute that is not used (unlabelled, gap, flat), keeping the history aligned with time.
    public mutating func skip(_ minute: [Float], samplesPerChannel t: Int) {
        running?.skip(minute, samplesPerChannel: t)
    }
}
