import StimLearn

/// The synthesizer's acceptance log as a histogram of the score each attempt reached, accepted and rejected.
public struct AcceptanceSummary: Codable, Sendable, Equatable {
    public var attempts: Int
    public var accepted: Int
    public var meanSteps: Double
    public var bins: [Bin]

    public struct Bin: Codable, Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        public var accepted: Int
        public var rejected: Int
    }

    /// `binCount` equal bins over the attempts' range of thresholds.
    public init(_ attempts: [AcceptanceAttempt], binCount: Int = 20) throws {
        guard !attempts.isEmpty, binCount > 0 else { throw LearnError.data("an acceptance log needs attempts and bins") }
        guard attempts.allSatisfy({ $0.threshold.isFinite && $0.steps >= 0 }) else {
            throw LearnError.data("an acceptance attempt has a non-finite threshold or negative steps")
        }
        self.attempts = attempts.count
        accepted = attempts.filter(\.accepted).count
        meanSteps = Double(attempts.reduce(0) { $0 + $1.steps }) / Double(attempts.count)
        let low = attempts.map(\.threshold).min() ?? 0, high = attempts.map(\.threshold).max() ?? 0
        let width = high > low ? (high - low) / Double(binCount) : 1
        bins = (0..<binCount).map { Bin(lower: low + Double($0) * width, upper: low + Double($0 + 1) * width, accepted: 0, rejected: 0) }
        for attempt in attempts {
            let bin = min(binCount - 1, Int((attempt.threshold - low) / width))
            if attempt.accepted { bins[bin].accepted += 1 } else { bins[bin].rejected += 1 }
        }
    }
}
