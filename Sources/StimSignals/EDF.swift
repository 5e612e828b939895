/// The header of an EDF or EDF+ file: a 256-byte fixed part, then 256 bytes per signal, all ASCII.
public struct EDFHeader: Sendable, Equatable {
    /// "EDF+C" (continuous) or "EDF+D" (discontinuous) for EDF+, empty for plain EDF.
    public var edfPlusKind: String
    public var headerBytes: Int
    public var numberOfRecords: Int
    /// Seconds per data record.
    public var recordDuration: Double
    public var signals: [EDFSignalHeader]
    public var startDate: String
    public var startTime: String

    /// Bytes of one data record (2 per sample).
    public var recordBytes: Int { 2 * signals.reduce(0) { $0 + $1.samplesPerRecord } }
}

/// One signal's part of an EDF header.
public struct EDFSignalHeader: Sendable, Equatable {
    public var label: String
    public var transducer: String
    public var physicalDimension: String
    public var physicalMinimum: Double
    public var physicalMaximum: Double
    public var digitalMinimum: Int
    public var digitalMaximum: Int
    public var prefiltering: String
    public var samplesPerRecord: Int

    /// The signal that carries EDF+ annotations (TALs) instead of samples.
    public var isAnnotations: Bool { label == "EDF Annotations" }

    /// Physical value of a digital sample (linear map of the digital range onto the physical range).
    func physical(_ digital: Int) -> Double {
        physicalMinimum + Double(digital - digitalMinimum) * (physicalMaximum - physicalMinimum)
            / Double(digitalMaximum - digitalMinimum)
    }
}

/// Reads EDF and EDF+ files (what home sleep devices and belts export) into `Recording`s.
///
/// Digital samples map linearly onto the physical range; a digital value outside the stated digital range is
/// read as NaN (it cannot be a measurement, and `EDFWriter` stores NaN that way). EDF+ annotation signals are
/// parsed into `Recording.annotations` (onsets relative to the first sample) and dropped from `signals`; EDF+D
/// records are placed at their time-keeping onsets with NaN in the gaps. The patient and recording
/// identification fields are never read: the recording is named after its file.
public enum EDF {
    /// Reads the file at `path`; with `channels`, keeps only the signals with those labels, in that order.
    public static func read(path: String, channels: [String]? = nil) throws(RecordingError) -> Recording {
        try decode(try RecordingFile.bytes(at: path), name: RecordingFile.stem(of: path), file: path, channels: channels)
    }

    /// Parses the header of an EDF file held in `bytes`; `file` names it in errors.
    public static func header(_ bytes: [UInt8], file: String) throws(RecordingError) -> EDFHeader {
        guard bytes.count >= 256 else {
            throw RecordingError(file: file, location: .offset(bytes.count), problem: "the file ends inside the 256-byte EDF header")
        }
        func text(_ offset: Int, _ length: Int) -> String {
            String(decoding: bytes[offset..<(offset + length)], as: UTF8.self).trimmingSpaces.description
        }
        func integer(_ offset: Int, _ length: Int, _ what: String) throws(RecordingError) -> Int {
            guard let v = Int(text(offset, length)) else {
                throw RecordingError(file: file, location: .offset(offset), problem: "\(what) '\(text(offset, length))' is not an integer")
            }
            return v
        }
        func number(_ offset: Int, _ length: Int, _ what: String) throws(RecordingError) -> Double {
            guard let v = Double(text(offset, length)), v.isFinite else {
                throw RecordingError(file: file, location: .offset(offset), problem: "\(what) '\(text(offset, length))' is not a number")
            }
            return v
        }
        guard text(0, 8) == "0" else {
            throw RecordingError(file: file, location: .offset(0), problem: "version '\(text(0, 8))' is not EDF's '0' (not an EDF file, or BDF)")
        }
        let headerBytes = try integer(184, 8, "header size")
        let reserved = text(192, 44)
        var records = try integer(236, 8, "number of data records")
        let duration = try number(244, 8, "data record duration")
        let count = try integer(252, 4, "number of signals")
        guard count >= 1, 256 * (count + 1) <= bytes.count else {
            throw RecordingError(file: file, location: .offset(252),
                                 problem: "\(count) signals need a \(256 * (max(count, 0) + 1))-byte header; the file has \(bytes.count) bytes")
        }
        guard headerBytes == 256 * (count + 1) else {
            throw RecordingError(file: file, location: .offset(184), problem: "header size \(headerBytes) should be 256 × (1 + \(count) signals)")
        }
        guard duration >= 0 else {
            throw RecordingError(file: file, location: .offset(244), problem: "data record duration \(duration) is negative")
        }
        var signals: [EDFSignalHeader] = []
        for i in 0..<count {
            func field(_ start: Int, _ width: Int) -> Int { 256 + start * count + i * width }
            let s = EDFSignalHeader(
                label: text(field(0, 16), 16), transducer: text(field(16, 80), 80),
                physicalDimension: text(field(96, 8), 8),
                physicalMinimum: try number(field(104, 8), 8, "signal \(i) physical minimum"),
                physicalMaximum: try number(field(112, 8), 8, "signal \(i) physical maximum"),
                digitalMinimum: try integer(field(120, 8), 8, "signal \(i) digital minimum"),
                digitalMaximum: try integer(field(128, 8), 8, "signal \(i) digital maximum"),
                prefiltering: text(field(136, 80), 80),
                samplesPerRecord: try integer(field(216, 8), 8, "signal \(i) samples per record"))
            guard s.samplesPerRecord >= 1, s.samplesPerRecord <= bytes.count else {
                throw RecordingError(file: file, location: .offset(field(216, 8)), problem: "signal \(i) has \(s.samplesPerRecord) samples per record")
            }
            if !s.isAnnotations {
                guard s.digitalMinimum < s.digitalMaximum, s.digitalMinimum >= -32768, s.digitalMaximum <= 32767 else {
                    throw RecordingError(file: file, location: .offset(field(120, 8)),
                                         problem: "signal '\(s.label)': digital range \(s.digitalMinimum)…\(s.digitalMaximum) is empty or not 16-bit")
                }
                guard s.physicalMinimum != s.physicalMaximum else {
                    throw RecordingError(file: file, location: .offset(field(104, 8)), problem: "signal '\(s.label)': physical minimum equals maximum")
                }
                guard duration > 0 else {
                    throw RecordingError(file: file, location: .offset(244), problem: "a record duration of 0 leaves signal '\(s.label)' without a rate")
                }
            }
            signals.append(s)
        }
        var header = EDFHeader(edfPlusKind: reserved.hasPrefix("EDF+C") ? "EDF+C" : reserved.hasPrefix("EDF+D") ? "EDF+D" : "",
                               headerBytes: headerBytes, numberOfRecords: records, recordDuration: duration,
                               signals: signals, startDate: text(168, 8), startTime: text(176, 8))
        let available = (bytes.count - headerBytes) / header.recordBytes
        if records == -1 {
            // -1: the device stopped without updating the count; the file's size decides.
            records = available
            header.numberOfRecords = records
        }
        guard records >= 0 else {
            throw RecordingError(file: file, location: .offset(236), problem: "number of data records \(records) is negative")
        }
        if records > available {
            throw RecordingError(file: file, location: .offset(bytes.count),
                                 problem: "the file ends inside data record \(available) of \(records) (each \(header.recordBytes) bytes after a \(headerBytes)-byte header)")
        }
        return header
    }

    /// Decodes a whole EDF file held in `bytes`.
    public static func decode(_ bytes: [UInt8], name: String, file: String,
                              channels: [String]? = nil) throws(RecordingError) -> Recording {
        let header = try header(bytes, file: file)
        let ordinary = header.signals.indices.filter { !header.signals[$0].isAnnotations }
        let wanted = try WFDBRecord.selection(of: ordinary.map { header.signals[$0].label }, channels: channels, file: file)
            .map { ordinary[$0] }
        var starts: [Int] = []
        var offset = 0
        for s in header.signals { starts.append(offset); offset += 2 * s.samplesPerRecord }
        func recordStart(_ r: Int) -> Int { header.headerBytes + r * header.recordBytes }

        var annotations: [RecordingAnnotation] = []
        var onsets: [Double] = []
        for r in 0..<header.numberOfRecords {
            var recordOnset: Double?
            for (i, s) in header.signals.enumerated() where s.isAnnotations {
                let from = recordStart(r) + starts[i]
                let tals = try parseTALs(bytes[from..<(from + 2 * s.samplesPerRecord)], file: file)
                for (index, tal) in tals.enumerated() {
                    if index == 0, recordOnset == nil, tal.texts.isEmpty { recordOnset = tal.onset }
                    for t in tal.texts { annotations.append(RecordingAnnotation(onset: tal.onset, duration: tal.duration, text: t)) }
                }
            }
            onsets.append(recordOnset ?? Double(r) * header.recordDuration)
        }
        let origin = onsets.first ?? 0
        let discontinuous = header.edfPlusKind == "EDF+D"
        if discontinuous, let last = onsets.last, last - origin > WFDBRecord.longestGap {
            throw RecordingError(file: file, problem: "EDF+D records span \(last - origin) s, more than a week: the time-keeping annotations are corrupt")
        }
        var signals: [Signal] = []
        for i in wanted {
            let s = header.signals[i]
            let rate = Double(s.samplesPerRecord) / header.recordDuration
            var samples: [Float] = []
            samples.reserveCapacity(header.numberOfRecords * s.samplesPerRecord)
            for r in 0..<header.numberOfRecords {
                if discontinuous {
                    let start = Int(((onsets[r] - origin) * rate).rounded())
                    guard start >= samples.count else {
                        throw RecordingError(file: file, location: .offset(recordStart(r)),
                                             problem: "EDF+D data record \(r) starts at \(onsets[r]) s, inside the previous record")
                    }
                    samples.append(contentsOf: repeatElement(.nan, count: start - samples.count))
                }
                var at = recordStart(r) + starts[i]
                for _ in 0..<s.samplesPerRecord {
                    let d = Int(Int16(bitPattern: UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8))
                    samples.append(d < s.digitalMinimum || d > s.digitalMaximum ? .nan : Float(s.physical(d)))
                    at += 2
                }
            }
            signals.append(Signal(name: s.label, unit: s.physicalDimension, samplingRate: rate, samples: samples))
        }
        for k in annotations.indices { annotations[k].onset -= origin }
        return Recording(name: name, signals: signals, annotations: annotations)
    }

    /// One time-stamped annotation list: `+onset[\u{15}duration]\u{14}text\u{14}…\u{14}\0`.
    struct TAL {
        var onset: Double
        var duration: Double?
        var texts: [String]
    }

    /// The TALs in one record's annotation bytes (the `\0` after each TAL, and padding, separate them).
    static func parseTALs(_ bytes: ArraySlice<UInt8>, file: String) throws(RecordingError) -> [TAL] {
        var tals: [TAL] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: 0) ?? bytes.endIndex
            defer { start = end + 1 }
            guard end > start else { continue }
            let parts = bytes[start..<end].split(separator: 0x14, omittingEmptySubsequences: false)
            func bad(_ problem: String) -> RecordingError { RecordingError(file: file, location: .offset(start), problem: problem) }
            guard bytes[end - 1] == 0x14, parts.count >= 2 else { throw bad("an EDF+ annotation must end with byte 20 before its NUL") }
            let timing = parts[0].split(separator: 0x15, omittingEmptySubsequences: false)
            let onsetText = String(decoding: timing[0], as: UTF8.self)
            guard timing.count <= 2, let sign = onsetText.first, sign == "+" || sign == "-",
                  let onset = Double(onsetText), onset.isFinite else {
                throw bad("EDF+ annotation onset '\(onsetText)' is not a signed number")
            }
            var duration: Double?
            if timing.count == 2 {
                let text = String(decoding: timing[1], as: UTF8.self)
                guard let d = Double(text), d.isFinite, d >= 0 else { throw bad("EDF+ annotation duration '\(text)' is not a number") }
                duration = d
            }
            let texts = parts.dropFirst().dropLast().map { String(decoding: $0, as: UTF8.self) }.filter { !$0.isEmpty }
            tals.append(TAL(onset: onset, duration: duration, texts: texts))
        }
        return tals
    }
}
