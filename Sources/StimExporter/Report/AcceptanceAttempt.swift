/// One attempt of the stimulus synthesizer, as the report's acceptance histogram needs it: the synthesizer's
/// own log maps onto a list of these.
public struct AcceptanceAttempt: Codable, Sendable, Equatable {
    /// The class the generator aimed at.
    public var targetClass: Int
    /// The teacher's probability of the target class the stimulus reached (or the score the synthesizer
    /// compared with its acceptance threshold).
    public var threshold: Double
    /// Optimization steps the attempt took.
    public var steps: Int
    public var accepted: Bool

    public init(targetClass: Int, threshold: Double, steps: Int, accepted: Bool) {
        self.targetClass = targetClass
        self.threshold = threshold
        self.steps = steps
        self.accepted = accepted
    }
}
