/// A parsed WFDB header (`.hea`): the record line, one line per signal (or per segment for a multi-segment
/// record) and the `#` comments. Field syntax and defaults follow the WFDB header(5) manual page.
public struct WFDBHeader: Sendable, Equatable {
    public var recordName: String
    public var numberOfSignals: Int
    /// Frames per second (WFDB's default is 250 when the header omits it).
    public var samplingFrequency: Double
    public var counterFrequency: Double?
    public var baseCounterValue: Double?
    /// Samples per signal (frames); nil when the header leaves it out (then the signal files decide).
    public var numberOfSamples: Int?
    public var baseTime: String?
    public var baseDate: String?
    /// Signal specifications (empty for a multi-segment record, whose segments carry their own).
    public var signals: [WFDBSignalSpecification]
    /// Segments, in order, for a multi-segment record (`name/nseg` on the record line); nil otherwise.
    public var segments: [WFDBSegment]?
    /// Comment lines without the leading `#` and the space after it.
    public var comments: [String]
}

/// One signal line of a header.
public struct WFDBSignalSpecification: Sendable, Equatable {
    public var fileName: String
    public var format: Int
    /// Samples of this signal in each frame (`format x spf`); the signal's rate is `spf` × the frame rate.
    public var samplesPerFrame: Int
    public var skew: Int
    /// Bytes to skip at the start of the signal file.
    public var byteOffset: Int
    /// ADC units per physical unit (WFDB's default 200 replaces a missing or zero gain).
    public var gain: Double
    /// The digital value of physical zero (defaults to `adcZero`).
    public var baseline: Int
    public var units: String
    public var adcResolution: Int
    public var adcZero: Int
    public var initialValue: Int
    /// The 16-bit sum of all samples of the signal, when the header states it.
    public var checksum: Int?
    public var blockSize: Int
    public var description: String

    public init(fileName: String, format: Int, samplesPerFrame: Int = 1, skew: Int = 0, byteOffset: Int = 0,
                gain: Double, baseline: Int, units: String, adcResolution: Int, adcZero: Int = 0,
                initialValue: Int = 0, checksum: Int? = nil, blockSize: Int = 0, description: String) {
        self.fileName = fileName
        self.format = format
        self.samplesPerFrame = samplesPerFrame
        self.skew = skew
        self.byteOffset = byteOffset
        self.gain = gain
        self.baseline = baseline
        self.units = units
        self.adcResolution = adcResolution
        self.adcZero = adcZero
        self.initialValue = initialValue
        self.checksum = checksum
        self.blockSize = blockSize
        self.description = description
    }
}

/// One segment of a multi-segment record: a record name (or `~` for a gap of that many frames) and its length.
public struct WFDBSegment: Sendable, Equatable {
    public var name: String
    public var numberOfSamples: Int

    public init(name: String, numberOfSamples: Int) {
        self.name = name
        self.numberOfSamples = numberOfSamples
    }

    /// A `~` segment: no signal data, the signals are missing for its length.
    public var isNull: Bool { name == "~" }
}

extension WFDBHeader {
    /// Reads and parses the header file at `path`.
    public static func read(path: String) throws(RecordingError) -> WFDBHeader {
        try parse(try RecordingFile.text(at: path), file: path)
    }

    /// Parses header text; `file` names the source in errors.
    public static func parse(_ text: String, file: String) throws(RecordingError) -> WFDBHeader {
        var comments: [String] = []
        var lines: [(number: Int, fields: [Substring])] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }).enumerated() {
            let line = raw.trimmingSpacesAndTabs
            if line.first == "#" {
                var comment = line.dropFirst()
                if comment.first == " " { comment = comment.dropFirst() }
                comments.append(String(comment))
            } else if !line.isEmpty {
                lines.append((index + 1, line.split(whereSeparator: { $0 == " " || $0 == "\t" })))
            }
        }
        guard let recordLine = lines.first else {
            throw RecordingError(file: file, problem: "no record line: the header is empty")
        }
        let (parsed, segmentCount) = try parseRecordLine(recordLine.fields, line: recordLine.number, file: file)
        var header = parsed
        header.comments = comments
        let body = lines.dropFirst()
        if let expected = segmentCount {
            guard body.count >= expected else {
                throw RecordingError(file: file, location: .line(recordLine.number),
                                     problem: "the record line announces \(expected) segments, the header lists \(body.count)")
            }
            var segments: [WFDBSegment] = []
            for entry in body.prefix(expected) {
                guard entry.fields.count >= 2, let n = Int(entry.fields[1]), n >= 0 else {
                    throw RecordingError(file: file, location: .line(entry.number),
                                         problem: "a segment line must be 'NAME LENGTH' with a length ≥ 0")
                }
                segments.append(WFDBSegment(name: String(entry.fields[0]), numberOfSamples: n))
            }
            header.segments = segments
            return header
        }
        guard body.count >= header.numberOfSignals else {
            throw RecordingError(file: file, location: .line(recordLine.number),
                                 problem: "the record line announces \(header.numberOfSignals) signals, the header describes \(body.count)")
        }
        var signals: [WFDBSignalSpecification] = []
        for (index, entry) in body.prefix(header.numberOfSignals).enumerated() {
            signals.append(try parseSignalLine(entry.fields, index: index, record: header.recordName,
                                               line: entry.number, file: file))
        }
        header.signals = signals
        return header
    }

    /// The header from the record line, and the segment count when the name is `name/nseg`.
    private static func parseRecordLine(_ fields: [Substring], line: Int,
                                        file: String) throws(RecordingError) -> (WFDBHeader, Int?) {
        func bad(_ problem: String) -> RecordingError { RecordingError(file: file, location: .line(line), problem: problem) }
        guard fields.count >= 2 else { throw bad("the record line needs at least a record name and a signal count") }
        var name = fields[0]
        var segmentCount: Int?
        if let slash = name.firstIndex(of: "/") {
            guard let n = Int(name[name.index(after: slash)...]), n > 0 else {
                throw bad("'\(name)': the segment count after '/' must be a positive integer")
            }
            segmentCount = n
            name = name[..<slash]
        }
        guard let signalCount = Int(fields[1]), signalCount >= 0 else {
            throw bad("'\(fields[1])' is not a signal count")
        }
        var header = WFDBHeader(recordName: String(name), numberOfSignals: signalCount, samplingFrequency: 250,
                                counterFrequency: nil, baseCounterValue: nil, numberOfSamples: nil, baseTime: nil,
                                baseDate: nil, signals: [], segments: nil, comments: [])
        if fields.count > 2 {
            var text = fields[2]
            if let open = text.firstIndex(of: "(") {
                guard text.last == ")", let base = Double(text[text.index(after: open)..<text.index(before: text.endIndex)]),
                      base.isFinite else { throw bad("'\(fields[2])': bad base counter value") }
                header.baseCounterValue = base
                text = text[..<open]
            }
            if let slash = text.firstIndex(of: "/") {
                guard let counter = Double(text[text.index(after: slash)...]), counter.isFinite, counter > 0 else {
                    throw bad("'\(fields[2])': bad counter frequency")
                }
                header.counterFrequency = counter
                text = text[..<slash]
            }
            guard let fs = Double(text), fs.isFinite, fs > 0 else {
                throw bad("'\(fields[2])' is not a positive sampling frequency")
            }
            header.samplingFrequency = fs
        }
        if fields.count > 3 {
            guard let n = Int(fields[3]), n >= 0 else { throw bad("'\(fields[3])' is not a number of samples") }
            // WFDB writes 0 for "unknown"; the signal files then decide.
            header.numberOfSamples = n == 0 ? nil : n
        }
        if fields.count > 4 { header.baseTime = String(fields[4]) }
        if fields.count > 5 { header.baseDate = String(fields[5]) }
        return (header, segmentCount)
    }

    private static func parseSignalLine(_ fields: [Substring], index: Int, record: String, line: Int,
                                        file: String) throws(RecordingError) -> WFDBSignalSpecification {
        func bad(_ problem: String) -> RecordingError {
            RecordingError(file: file, location: .line(line), problem: "signal \(index): \(problem)")
        }
        guard fields.count >= 2 else { throw bad("a signal line needs at least a file name and a format") }
        // format[xspf][:skew][+offset]
        var formatText = fields[1]
        var byteOffset = 0, skew = 0, samplesPerFrame = 1
        if let plus = formatText.firstIndex(of: "+") {
            guard let v = Int(formatText[formatText.index(after: plus)...]), v >= 0 else { throw bad("bad byte offset in '\(fields[1])'") }
            byteOffset = v
            formatText = formatText[..<plus]
        }
        if let colon = formatText.firstIndex(of: ":") {
            guard let v = Int(formatText[formatText.index(after: colon)...]), v >= 0 else { throw bad("bad skew in '\(fields[1])'") }
            skew = v
            formatText = formatText[..<colon]
        }
        if let x = formatText.firstIndex(of: "x") {
            guard let v = Int(formatText[formatText.index(after: x)...]), v > 0, v <= 1_000_000 else {
                throw bad("bad samples per frame in '\(fields[1])'")
            }
            samplesPerFrame = v
            formatText = formatText[..<x]
        }
        guard let format = Int(formatText), format >= 0 else { throw bad("'\(fields[1])' is not a signal format") }

        var gain = 0.0
        var baseline: Int?
        var units = "mV"
        if fields.count > 2 {
            var text = fields[2]
            if let slash = text.firstIndex(of: "/") {
                units = String(text[text.index(after: slash)...])
                text = text[..<slash]
            }
            if let open = text.firstIndex(of: "(") {
                guard text.last == ")", let b = Int(text[text.index(after: open)..<text.index(before: text.endIndex)]) else {
                    throw bad("bad baseline in '\(fields[2])'")
                }
                baseline = b
                text = text[..<open]
            }
            guard let g = Double(text), g.isFinite else { throw bad("'\(fields[2])' is not a gain") }
            gain = g
        }
        func integer(_ position: Int, _ what: String, default value: Int) throws(RecordingError) -> Int {
            guard fields.count > position else { return value }
            guard let v = Int(fields[position]) else { throw bad("'\(fields[position])' is not an integer \(what)") }
            return v
        }
        let adcResolution = try integer(3, "ADC resolution", default: format == 212 ? 12 : 16)
        let adcZero = try integer(4, "ADC zero", default: 0)
        let initialValue = try integer(5, "initial value", default: adcZero)
        let checksum: Int? = fields.count > 6 ? try integer(6, "checksum", default: 0) : nil
        let blockSize = try integer(7, "block size", default: 0)
        let description = fields.count > 8 ? fields[8...].joined(separator: " ") : "record \(record), signal \(index)"
        return WFDBSignalSpecification(
            fileName: String(fields[0]), format: format, samplesPerFrame: samplesPerFrame, skew: skew,
            byteOffset: byteOffset, gain: gain == 0 ? 200 : gain, baseline: baseline ?? adcZero, units: units,
            adcResolution: adcResolution, adcZero: adcZero, initialValue: initialValue, checksum: checksum,
            blockSize: blockSize, description: description)
    }
}

extension Substring {
    var trimmingSpacesAndTabs: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return s
    }
}
