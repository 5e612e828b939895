/// One minute of a recording, cut for a model: channel-major samples (`samples[c * samplesPerChannel + t]`),
/// normalized, at the chosen rate, with the expert's label for that minute.
public struct Window: Sendable, Equatable {
    /// The recording it came from (exporter side only: a record name, never a person's name).
    public var record: String
    /// Minute `m` covers seconds 60m ..< 60(m + 1) of the recording.
    public var minute: Int
    public var apnea: Bool?
    public var samples: [Float]
    public var channels: [String]
    public var samplingRate: Double

    public var samplesPerChannel: Int { channels.isEmpty ? 0 : samples.count / channels.count }
}

/// How a recording's labelled minutes fared: kept as windows, or skipped and why.
public struct WindowSummary: Sendable, Equatable {
    public enum SkipReason: String, Sendable, CaseIterable, Comparable {
        /// The minute does not lie wholly inside the recording.
        case outsideRecording = "outside the recording"
        /// A gap of invalid samples longer than the repairable length.
        case invalidSamples = "invalid samples"
        /// A channel did not move at all (a disconnected or saturated belt).
        case flatLine = "flat line"

        public static func < (a: SkipReason, b: SkipReason) -> Bool { a.rawValue < b.rawValue }
    }

    public var record: String
    public var labelled = 0
    public var windows = 0
    public var apnea = 0
    public var skipped: [SkipReason: Int] = [:]

    public init(record: String) { self.record = record }

    /// Sums of several recordings' summaries.
    public static func total(_ summaries: [WindowSummary]) -> WindowSummary {
        var t = WindowSummary(record: "total")
        for s in summaries {
            t.labelled += s.labelled
            t.windows += s.windows
            t.apnea += s.apnea
            t.skipped.merge(s.skipped, uniquingKeysWith: +)
        }
        return t
    }
}
