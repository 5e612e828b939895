import StimSignals

/// Recordings → labelled windows, each keeping the record (person) it came from: the loader and the `Windower` exactly
/// as `stim windows` runs them.
public struct RecordWindows: Sendable {
    public var windower: Windower
    /// Sampling rate of CSV recordings, which do not state one.
    public var csvRate: Double?

    public init(windower: Windower, csvRate: Double? = nil) {
        self.windower = windower
        self.csvRate = csvRate
    }

    /// One recording's usable labelled windows, what was skipped, and where its labels came from.
    public func windows(of path: String) throws(RecordingError)
        -> (windows: [Window], summary: WindowSummary, labelSource: String?) {
        let loaded = try RecordingLoader.load(path: path, channels: windower.channels, samplingRate: csvRate)
        let (windows, summary) = try windower.windows(of: loaded.recording, labels: loaded.labels, file: path)
        return (windows, summary, loaded.labelSource)
    }

    /// The windows of all recordings as classes normal (0) and apnea (1), one person per recording, with each
    /// recording's summary and the windows' sampling rate.
    public func labelledWindows(_ paths: [String]) throws
        -> (windows: LabelledWindows, summaries: [WindowSummary], samplingRate: Double) {
        guard !paths.isEmpty else { throw ExportError.data("no recordings given") }
        var inputs: [Float] = [], labels: [Int] = [], persons: [Int] = [], names: [String] = []
        var summaries: [WindowSummary] = []
        var shape: [Int]?
        var rate = 0.0
        for path in paths {
            let (windows, summary, _) = try windows(of: path)
            summaries.append(summary)
            guard !names.contains(summary.record) else {
                throw ExportError.data("the record '\(summary.record)' is given twice (\(path))")
            }
            names.append(summary.record)
            for window in windows {
                let windowShape = [window.channels.count, window.samplesPerChannel]
                if shape == nil { (shape, rate) = (windowShape, window.samplingRate) }
                guard windowShape == shape else {
                    throw ExportError.data("\(path): windows of \(windowShape) after windows of \(shape ?? [])")
                }
                inputs += window.samples
                labels.append(window.apnea == true ? 1 : 0)
                persons.append(names.count - 1)
            }
        }
        guard let shape else {
            throw ExportError.data("the recordings hold no usable labelled minute (labels come from a .apn file beside "
                                   + "each record, or EDF+ annotations)")
        }
        return (try LabelledWindows(exampleShape: shape, classNames: ["normal", "apnea"], inputs: inputs, labels: labels,
                                    persons: persons, personNames: names), summaries, rate)
    }
}
