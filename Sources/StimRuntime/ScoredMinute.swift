/// One minute of a night as the runtime saw it: scored when its signal was good, otherwise only flagged.
public struct ScoredMinute: Sendable, Equatable {
    /// Index of the minute since the night's first sample.
    public var minute: Int
    /// When the minute began: seconds since the Unix epoch for live nights, since the recording's start otherwise.
    public var start: Double
    public var quality: SignalQuality
    /// The student's apnea probability; nil when the minute was not scored (quality other than good).
    public var apneaProbability: Float?
    /// The label the student gave; nil when not scored.
    public var apnea: Bool?
    /// The first channel's normalized samples at the model's rate, for the night report's signal trace.
    public var signal: [Float]

    public init(minute: Int, start: Double, quality: SignalQuality, apneaProbability: Float? = nil, apnea: Bool? = nil,
                signal: [Float] = []) {
        self.minute = minute
        self.start = start
        self.quality = quality
        self.apneaProbability = apneaProbability
        self.apnea = apnea
        self.signal = signal
    }
}
