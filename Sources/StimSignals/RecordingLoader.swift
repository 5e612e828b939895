import Foundation

/// A recording with the per-minute apnea labels found beside it (empty when there are none).
public struct LabelledRecording: Sendable, Equatable {
    public var recording: Recording
    public var labels: [MinuteLabel]
    /// Where the labels came from (a file path, or the EDF file for EDF+ annotations); nil without labels.
    public var labelSource: String?

    public init(recording: Recording, labels: [MinuteLabel], labelSource: String? = nil) {
        self.recording = recording
        self.labels = labels
        self.labelSource = labelSource
    }
}

/// Opens any recording stim reads, choosing the reader by extension, and finds its labels.
///
/// * `.hea`: a WFDB record; labels from `NAME.apn` beside the header, timed in the header's frames.
/// * `.edf`: EDF or EDF+; labels from a sidecar `NAME.apn` (timed in samples of the first signal) when there is
///   one, otherwise from EDF+ annotations `A`/`N` (see `MinuteLabel.labels(from:file:)`).
/// * `.csv`: samples at `samplingRate` (required); labels from a sidecar `NAME.apn` timed at that rate.
public enum RecordingLoader {
    public static func load(path: String, channels: [String]? = nil,
                            samplingRate: Double? = nil) throws(RecordingError) -> LabelledRecording {
        let apnPath = RecordingFile.join(RecordingFile.directory(of: path), RecordingFile.stem(of: path) + ".apn")
        func sidecar(rate: Double) throws(RecordingError) -> [MinuteLabel]? {
            guard FileManager.default.fileExists(atPath: apnPath) else { return nil }
            return try WFDBAnnotationFile.minuteLabels(try WFDBAnnotationFile.read(path: apnPath), samplingRate: rate, file: apnPath)
        }
        switch RecordingFile.fileExtension(of: path) {
        case "hea":
            let header = try WFDBHeader.read(path: path)
            let recording = try WFDBRecord.read(headerPath: path, channels: channels)
            let labels = try sidecar(rate: header.samplingFrequency)
            return LabelledRecording(recording: recording, labels: labels ?? [], labelSource: labels == nil ? nil : apnPath)
        case "edf":
            let bytes = try RecordingFile.bytes(at: path)
            let header = try EDF.header(bytes, file: path)
            let recording = try EDF.decode(bytes, name: RecordingFile.stem(of: path), file: path, channels: channels)
            if let first = header.signals.first(where: { !$0.isAnnotations }),
               let labels = try sidecar(rate: Double(first.samplesPerRecord) / header.recordDuration) {
                return LabelledRecording(recording: recording, labels: labels, labelSource: apnPath)
            }
            let labels = try MinuteLabel.labels(from: recording.annotations, file: path)
            return LabelledRecording(recording: recording, labels: labels, labelSource: labels.isEmpty ? nil : path)
        case "csv":
            guard let samplingRate else {
                throw RecordingError(file: path, problem: "a CSV file does not state its sampling rate: give one (--rate)")
            }
            let recording = try CSVRecording.read(path: path, samplingRate: samplingRate, channels: channels)
            let labels = try sidecar(rate: samplingRate)
            return LabelledRecording(recording: recording, labels: labels ?? [], labelSource: labels == nil ? nil : apnPath)
        case let other:
            throw RecordingError(file: path, problem: "unknown recording type '.\(other)': stim reads .hea (WFDB), .edf and .csv")
        }
    }
}
