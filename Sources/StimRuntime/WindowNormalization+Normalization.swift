import StimFormats
import StimSignals

extension WindowNormalization {
    /// The normalization a model file's header states, as the signal code applies it.
    public init(_ n: Normalization) {
        let method: Method
        switch n.method {
        case .none: method = .none
        case .runningZScore: method = .runningZScore(historyMinutes: n.historyMinutes)
        case .recordZScore: method = .recordZScore
        case .fixedAffine: method = .fixedAffine(offset: n.offset, scale: n.scale)
        }
        self.init(method: method, epsilon: n.epsilon, clip: n.clip)
    }
}
