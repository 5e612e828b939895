import StimFormats
import StimSignals

extension Normalization {
    /// The format header's statement of a window normalization.
    public init(_ n: WindowNormalization, channels: Int) {
        switch n.method {
        case .none: self.init(method: .none, clip: n.clip)
        case .runningZScore(let history):
            self.init(method: .runningZScore, historyMinutes: history, epsilon: n.epsilon, clip: n.clip)
        case .recordZScore: self.init(method: .recordZScore, epsilon: n.epsilon, clip: n.clip)
        case .fixedAffine(let offset, let scale):
            self.init(method: .fixedAffine, offset: offset, scale: scale, clip: n.clip)
        }
    }
}

extension InputSpec {
    /// What a model reading minute windows of `channels` at `samplingRate` expects, normalized as `normalization`
    /// states: the input of `stim windows` datasets, the teacher and the stimuli.
    public init(windowsOf channels: [String], samplingRate: Double, samplesPerWindow: Int,
                normalization: WindowNormalization) {
        self.init(channels: channels.map { Channel(name: $0, unit: "", samplingRate: samplingRate) },
                  samplesPerWindow: samplesPerWindow, normalization: Normalization(normalization, channels: channels.count),
                  windowSeconds: 60)
    }
}
