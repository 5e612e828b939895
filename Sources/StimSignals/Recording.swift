/// A recording in physical units, whatever file it came from (WFDB, EDF, CSV or the simulator).
public struct Recording: Sendable, Equatable {
    /// Record name, e.g. "a01r" (never a person's name: file formats may carry one, readers drop it).
    public var name: String
    public var signals: [Signal]
    /// Free-text comments of the source file (WFDB `#` lines), in order. EDF's patient and recording
    /// identification fields are never copied here: they may identify a person.
    public var comments: [String]
    /// Timed notes of the source file (EDF+ annotations), in file order.
    public var annotations: [RecordingAnnotation]

    public init(name: String, signals: [Signal], comments: [String] = [], annotations: [RecordingAnnotation] = []) {
        self.name = name
        self.signals = signals
        self.comments = comments
        self.annotations = annotations
    }

    /// The signal with this name, compared case-insensitively and ignoring surrounding spaces.
    public func signal(named wanted: String) -> Signal? {
        let key = wanted.trimmingSpaces.lowercased()
        return signals.first { $0.name.trimmingSpaces.lowercased() == key }
    }
}

/// One channel of a recording.
public struct Signal: Sendable, Equatable {
    public var name: String
    /// Physical unit, e.g. "mV"; empty when the source does not say.
    public var unit: String
    public var samplingRate: Double
    /// Physical values; NaN marks a missing or invalid sample (WFDB's invalid value, a gap, …).
    public var samples: [Float]

    public init(name: String, unit: String, samplingRate: Double, samples: [Float]) {
        self.name = name
        self.unit = unit
        self.samplingRate = samplingRate
        self.samples = samples
    }

    /// Length in seconds.
    public var duration: Double { Double(samples.count) / samplingRate }
}

/// A timed note on a recording (an EDF+ annotation): what happened, from when, for how long.
public struct RecordingAnnotation: Sendable, Equatable {
    /// Seconds from the recording's first sample.
    public var onset: Double
    /// Seconds, when the source states a duration.
    public var duration: Double?
    public var text: String

    public init(onset: Double, duration: Double? = nil, text: String) {
        self.onset = onset
        self.duration = duration
        self.text = text
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s.removeLast() }
        return s
    }
}
