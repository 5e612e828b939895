/// One annotation of an MIT-format WFDB annotation file (`.apn`, `.qrs`, `.atr`, …).
public struct WFDBAnnotation: Sendable, Equatable {
    /// Time in samples (frames) from the start of the record.
    public var sample: Int
    public var code: Int
    public var subtype: Int
    public var channel: Int
    public var number: Int
    /// The auxiliary bytes (often text, e.g. a rhythm "(AFIB"), when the annotation carries any.
    public var aux: [UInt8]?

    public init(sample: Int, code: Int, subtype: Int = 0, channel: Int = 0, number: Int = 0, aux: [UInt8]? = nil) {
        self.sample = sample
        self.code = code
        self.subtype = subtype
        self.channel = channel
        self.number = number
        self.aux = aux
    }

    /// WFDB's one-letter mnemonic for the code (ecgcodes.h), or "[code]" for codes without one.
    public var mnemonic: String {
        code >= 0 && code < Self.mnemonics.count && !Self.mnemonics[code].isEmpty ? Self.mnemonics[code] : "[\(code)]"
    }

    /// Whether the code marks a heartbeat (WFDB's isqrs table).
    public var isBeat: Bool { Self.beatCodes.contains(code) }

    static let mnemonics = [
        "", "N", "L", "R", "a", "V", "F", "J", "A", "S", "E", "j", "/", "Q", "~", "", "|", "", "s", "T", "*", "D",
        "\"", "=", "p", "B", "^", "t", "+", "u", "?", "!", "[", "]", "e", "n", "@", "x", "f", "(", ")", "r",
    ]
    static let beatCodes: Set<Int> = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 34, 35, 37, 38, 41]
    /// The codes of the apnea annotations in `.apn` files: `N` (no apnea in the minute) and `A` (apnea).
    static let normal = 1, apnea = 8
}

/// Decodes and encodes MIT-format annotation files: a stream of little-endian 16-bit words with the code in
/// the top 6 bits and a time increment (or a length) in the low 10; pseudo-codes SKIP (59), NUM (60), SUB (61),
/// CHN (62) and AUX (63) modify the next annotation, and the word 0 ends the file.
public enum WFDBAnnotationFile {
    static let skip = 59, num = 60, sub = 61, chn = 62, aux = 63

    /// Reads the annotation file at `path`.
    public static func read(path: String) throws(RecordingError) -> [WFDBAnnotation] {
        try decode(try RecordingFile.bytes(at: path), file: path)
    }

    /// Decodes annotation bytes; `file` names the source in errors. SUB, CHN, NUM and AUX words follow the
    /// annotation they modify; `channel` and `number` carry over to the next annotations, as in WFDB.
    public static func decode(_ bytes: [UInt8], file: String) throws(RecordingError) -> [WFDBAnnotation] {
        var annotations: [WFDBAnnotation] = []
        var at = 0, time = 0
        func word(_ offset: Int, _ what: String) throws(RecordingError) -> Int {
            guard offset + 2 <= bytes.count else {
                throw RecordingError(file: file, location: .offset(offset), problem: "the file ends inside \(what)")
            }
            return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        }
        while true {
            let w = try word(at, "an annotation word (no end-of-file word)")
            let code = w >> 10, low = w & 0x3FF
            if code == skip {
                let high = try word(at + 2, "a SKIP interval"), lowWord = try word(at + 4, "a SKIP interval")
                time += Int(Int32(bitPattern: UInt32(high) << 16 | UInt32(lowWord)))
                at += 6
                continue
            }
            if code == 0 && low == 0 { return annotations }
            guard code < num || !annotations.isEmpty else {
                throw RecordingError(file: file, location: .offset(at), problem: "a modifier word (code \(code)) precedes every annotation")
            }
            switch code {
            case num:
                annotations[annotations.count - 1].number = Int(Int16(truncatingIfNeeded: low << 6) >> 6)
            case sub:
                annotations[annotations.count - 1].subtype = low
            case chn:
                annotations[annotations.count - 1].channel = low
            case aux:
                guard at + 2 + low <= bytes.count else {
                    throw RecordingError(file: file, location: .offset(at), problem: "the file ends inside an AUX string of \(low) bytes")
                }
                annotations[annotations.count - 1].aux = Array(bytes[(at + 2)..<(at + 2 + low)])
                at += low + (low % 2)
            default:
                time += low
                guard time >= 0 else {
                    throw RecordingError(file: file, location: .offset(at), problem: "annotation time \(time) is negative")
                }
                let previous = annotations.last
                annotations.append(WFDBAnnotation(sample: time, code: code, channel: previous?.channel ?? 0,
                                                  number: previous?.number ?? 0))
            }
            at += 2
        }
    }

    /// Per-minute apnea labels from `.apn` annotations at `samplingRate` (the header's frame rate): an `N` or `A`
    /// at sample `s` labels minute `s / (60 · rate)`. Other codes, or one minute labelled twice, are errors.
    public static func minuteLabels(_ annotations: [WFDBAnnotation], samplingRate: Double,
                                    file: String) throws(RecordingError) -> [MinuteLabel] {
        var labels: [MinuteLabel] = []
        for a in annotations {
            guard a.code == WFDBAnnotation.normal || a.code == WFDBAnnotation.apnea else {
                throw RecordingError(file: file, problem: "annotation '\(a.mnemonic)' at sample \(a.sample) is neither N nor A")
            }
            let minute = Int((Double(a.sample) / (60 * samplingRate)).rounded(.down))
            if let last = labels.last, last.minute >= minute {
                throw RecordingError(file: file, problem: "minute \(minute) (sample \(a.sample)) is labelled twice or out of order")
            }
            labels.append(MinuteLabel(minute: minute, apnea: a.code == WFDBAnnotation.apnea))
        }
        return labels
    }

    /// Sample times of the beats among `annotations` (e.g. a `.qrs` file).
    public static func beatSamples(_ annotations: [WFDBAnnotation]) -> [Int] {
        annotations.filter(\.isBeat).map(\.sample)
    }
}
