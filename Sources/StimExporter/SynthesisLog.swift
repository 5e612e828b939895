/// One line per synthesis attempt, accepted or not: what the report's acceptance histogram is drawn from.
public struct SynthesisLog: Sendable, Equatable {
    public struct Attempt: Sendable, Equatable {
        public var targetClass: Int
        public var threshold: Float
        /// Adam steps taken before acceptance, or all of them on failure.
        public var steps: Int
        public var accepted: Bool
        /// The teacher's softmax of the target class on the last generated stimulus.
        public var confidence: Float
        /// KL(identity target ‖ identity posterior) of the last generated stimulus, when anonymizing.
        public var kl: Float?

        public init(targetClass: Int, threshold: Float, steps: Int, accepted: Bool, confidence: Float, kl: Float?) {
            self.targetClass = targetClass
            self.threshold = threshold
            self.steps = steps
            self.accepted = accepted
            self.confidence = confidence
            self.kl = kl
        }
    }

    public var attempts: [Attempt] = []

    public init(attempts: [Attempt] = []) {
        self.attempts = attempts
    }

    public var acceptedCount: Int { attempts.reduce(0) { $0 + ($1.accepted ? 1 : 0) } }
    public var failedCount: Int { attempts.count - acceptedCount }
    public var acceptanceRate: Double { attempts.isEmpty ? .nan : Double(acceptedCount) / Double(attempts.count) }

    /// Mean KL of the accepted stimuli (nil without anonymization).
    public var meanAcceptedKL: Double? {
        let values = attempts.filter(\.accepted).compactMap(\.kl)
        return values.isEmpty ? nil : values.reduce(0) { $0 + Double($1) } / Double(values.count)
    }
}

/// Where synthesis time went, summed over all steps: forward and backward passes per network, and the Adam updates.
public struct SynthesisTiming: Sendable, Equatable {
    public var generator: Duration = .zero
    public var teacher: Duration = .zero
    public var identity: Duration = .zero
    public var optimizer: Duration = .zero
    public var steps = 0

    public init() {}

    public var total: Duration { generator + teacher + identity + optimizer }
}

/// Handed to the progress callback as synthesis goes.
public struct SynthesisProgress: Sendable, Equatable {
    public var accepted: Int
    public var failed: Int
    public var target: Int
    public var elapsed: Duration
    /// Accepted stimuli per second in this run (not counting those resumed).
    public var rate: Double
    /// Time to the target at that rate; nil before the first one.
    public var remaining: Duration?
}
