/// How window samples are scaled before a model sees them; the same rules as the format header's
/// `Normalization` (formats/common.proto), so what the exporter does is what the runtime repeats.
public struct WindowNormalization: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        /// Physical units as they are.
        case none
        /// Causal: (x − mean) / max(std, epsilon) over the window and the `historyMinutes` minutes before it,
        /// per channel. A night daemon computes exactly this as the minutes arrive (`RunningNormalizer`).
        case runningZScore(historyMinutes: Int)
        /// Mean and standard deviation of the whole recording, per channel: exporter-side analysis only.
        case recordZScore
        /// (x − offset[c]) × scale[c].
        case fixedAffine(offset: [Float], scale: [Float])
    }

    public var method: Method
    /// Floor of the standard deviation, in physical units (keeps a near-flat minute from blowing up).
    public var epsilon: Float
    /// When > 0, normalized values are clamped to [−clip, clip].
    public var clip: Float

    public init(method: Method, epsilon: Float = 1e-3, clip: Float = 0) {
        self.method = method
        self.epsilon = epsilon
        self.clip = clip
    }

    /// stim's default for belts: causal z-score over the window and the 5 minutes before it, clipped at ±8.
    public static let belts = WindowNormalization(method: .runningZScore(historyMinutes: 5), epsilon: 1e-4, clip: 8)
}
