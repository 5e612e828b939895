/// Cuts a labelled recording into one-minute windows for a model: picks channels by name, bridges short gaps,
/// resamples to the model's rate, walks every whole minute in order through the normalization (so causal
/// statistics see the same history a night daemon would), and keeps the labelled minutes that are usable.
public struct Windower: Sendable {
    /// Channel names, matched case-insensitively ignoring surrounding spaces (e.g. "Resp C", "Resp A").
    public var channels: [String]
    /// Target sampling rate in Hz; nil keeps the recording's rate (then all chosen channels must share it).
    public var rate: Double?
    public var normalization: WindowNormalization
    /// Invalid runs up to this long (seconds, at the source rate) are bridged; longer ones make a minute unusable.
    public var maxGapSeconds: Double

    public init(channels: [String], rate: Double? = nil, normalization: WindowNormalization = .belts,
                maxGapSeconds: Double = 5) {
        self.channels = channels
        self.rate = rate
        self.normalization = normalization
        self.maxGapSeconds = maxGapSeconds
    }

    /// The windows of the labelled minutes and a summary of what was kept and skipped.
    public func windows(of recording: Recording, labels: [MinuteLabel], file: String)
        throws(RecordingError) -> (windows: [Window], summary: WindowSummary) {
        let signals = try channelSignals(recording, file: file)
        let targetRate = rate ?? signals[0].samplingRate
        var bridged: [[Float]] = []
        var resampled: [[Float]] = []
        for signal in signals {
            guard let resampler = Resampler(from: signal.samplingRate, to: targetRate) else {
                throw RecordingError(file: file, problem: "cannot resample '\(signal.name)' from \(signal.samplingRate) Hz to "
                    + "\(targetRate) Hz (the ratio is not a fraction with terms up to 10,000)")
            }
            let gap = Int((maxGapSeconds * signal.samplingRate).rounded(.down))
            bridged.append(fillingShortGaps(signal.samples, maxGap: gap))
            resampled.append(resampler.resample(bridged[bridged.count - 1]))
        }
        let perMinute = 60 * targetRate
        guard perMinute == perMinute.rounded(), perMinute >= 1 else {
            throw RecordingError(file: file, problem: "a minute at \(targetRate) Hz is not a whole number of samples")
        }
        let t = Int(perMinute)
        let minutes = (resampled.map(\.count).min() ?? 0) / t
        let names = signals.map(\.name)
        var summary = WindowSummary(record: recording.name)
        var labelByMinute: [Int: Bool] = [:]
        for label in labels { labelByMinute[label.minute] = label.apnea }
        summary.labelled = labelByMinute.count
        let outside = labelByMinute.keys.filter { $0 < 0 || $0 >= minutes }.count
        if outside > 0 { summary.skipped[.outsideRecording] = outside }

        if normalization.method != .recordZScore,
           let problem = MinuteNormalizer.problem(normalization, channels: signals.count) {
            throw RecordingError(file: file, problem: problem)
        }
        var causal = MinuteNormalizer(normalization, channels: signals.count)
        // Only the record z-score needs a pass over the whole recording.
        let recordStatistics = normalization.method == .recordZScore
            ? resampled.map { MinuteStatistics($0[...]).meanAndStandardDeviation() } : []
        var windows: [Window] = []
        for m in 0..<minutes {
            var minute = [Float]()
            minute.reserveCapacity(t * signals.count)
            for s in resampled { minute.append(contentsOf: s[(m * t)..<((m + 1) * t)]) }
            let label = labelByMinute[m]
            var reason: WindowSummary.SkipReason?
            if minute.contains(where: { !$0.isFinite }) {
                reason = .invalidSamples
            } else if signals.indices.contains(where: { c in
                // On the recorded samples: a resampling filter's polyphase branches turn a constant into ripple.
                let rate = signals[c].samplingRate
                let from = Int((Double(m) * 60 * rate).rounded(.down))
                let to = min(bridged[c].count, Int((Double(m + 1) * 60 * rate).rounded(.up)))
                let part = bridged[c][from..<max(from, to)]
                return part.min() == part.max()
            }) {
                reason = .flatLine
            }
            guard let label, reason == nil else {
                if label != nil, let reason { summary.skipped[reason, default: 0] += 1 }
                causal?.skip(minute, samplesPerChannel: t)
                continue
            }
            if normalization.method == .recordZScore {
                for c in 0..<signals.count {
                    let (mean, std) = recordStatistics[c]
                    let scale = 1 / Double(max(Float(std), normalization.epsilon))
                    for i in (c * t)..<((c + 1) * t) {
                        minute[i] = clipped(Float((Double(minute[i]) - mean) * scale), normalization.clip)
                    }
                }
            } else {
                causal?.normalize(&minute, samplesPerChannel: t)
            }
            windows.append(Window(record: recording.name, minute: m, apnea: label, samples: minute, channels: names,
                                  samplingRate: targetRate))
            summary.windows += 1
            if label { summary.apnea += 1 }
        }
        return (windows, summary)
    }

    private func channelSignals(_ recording: Recording, file: String) throws(RecordingError) -> [Signal] {
        guard !channels.isEmpty else { throw RecordingError(file: file, problem: "no channel chosen") }
        var out: [Signal] = []
        for name in channels {
            guard let s = recording.signal(named: name) else {
                throw RecordingError(file: file, problem: "no channel named '\(name)'; it has "
                    + recording.signals.map { "'\($0.name)'" }.joined(separator: ", "))
            }
            guard s.samplingRate.isFinite, s.samplingRate > 0 else {
                throw RecordingError(file: file, problem: "channel '\(s.name)' has the sampling rate \(s.samplingRate) Hz")
            }
            out.append(s)
        }
        if rate == nil, let other = out.first(where: { $0.samplingRate != out[0].samplingRate }) {
            throw RecordingError(file: file, problem: "channels '\(out[0].name)' (\(out[0].samplingRate) Hz) and '\(other.name)' "
                + "(\(other.samplingRate) Hz) differ in rate: choose a common rate")
        }
        return out
    }
}
