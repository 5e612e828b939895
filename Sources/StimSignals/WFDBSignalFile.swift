/// Decodes the samples of one WFDB signal file (formats 16 and 212) for the signals stored in it.
///
/// A file holds frames; a frame holds `samplesPerFrame` consecutive samples of each of the file's signals, in
/// header order. Format 16 stores each sample as a little-endian int16; format 212 packs two 12-bit samples into
/// three bytes, counting samples across the whole file regardless of signal.
struct WFDBSignalFile {
    let path: String
    let format: Int
    let bytes: [UInt8]
    let byteOffset: Int
    /// The file's signals (all of them, in header order: they define the frame layout).
    let signals: [WFDBSignalSpecification]

    var samplesPerFrame: Int { signals.reduce(0) { $0 + $1.samplesPerFrame } }

    /// The digital value WFDB reserves for "no valid sample".
    var invalidValue: Int { format == 212 ? -2048 : -32768 }

    init(path: String, bytes: [UInt8], signals: [WFDBSignalSpecification]) throws(RecordingError) {
        guard let first = signals.first else { throw RecordingError(file: path, problem: "no signal uses this file") }
        for s in signals where s.format != first.format {
            throw RecordingError(file: path, problem: "signals '\(first.description)' (format \(first.format)) and '\(s.description)' (format \(s.format)) share one file: WFDB needs one format per file")
        }
        guard first.format == 16 || first.format == 212 else {
            throw RecordingError(file: path, problem: "signal format \(first.format) is not supported (stim reads formats 16 and 212)")
        }
        guard first.byteOffset <= bytes.count else {
            throw RecordingError(file: path, location: .offset(bytes.count),
                                 problem: "the header's byte offset \(first.byteOffset) lies past the end of the file")
        }
        self.path = path
        self.format = first.format
        self.bytes = bytes
        self.byteOffset = first.byteOffset
        self.signals = signals
    }

    /// Whole samples the file holds after its byte offset.
    var availableSamples: Int {
        let data = bytes.count - byteOffset
        return format == 16 ? data / 2 : (data / 3) * 2 + (data % 3 == 2 ? 1 : 0)
    }

    /// Bytes needed to hold `samples` samples (where a truncated file should have ended).
    func byteCount(samples: Int) -> Int {
        format == 16 ? 2 * samples : 3 * (samples / 2) + (samples % 2 == 1 ? 2 : 0)
    }

    /// Frames in the file: the header's count (checked against the file's size), or all whole frames when the
    /// header gives none.
    func frameCount(header: Int?) throws(RecordingError) -> Int {
        let available = availableSamples / samplesPerFrame
        guard let wanted = header else { return available }
        if wanted > available {
            let needed = byteOffset + byteCount(samples: wanted * samplesPerFrame)
            throw RecordingError(file: path, location: .offset(bytes.count),
                                 problem: "the file ends here, but the header's \(wanted) samples per signal need \(needed) bytes")
        }
        return wanted
    }

    /// The `index`-th sample of the file, counted across frames and signals.
    func digital(_ index: Int) -> Int {
        if format == 16 {
            let at = byteOffset + 2 * index
            return Int(Int16(bitPattern: UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8))
        }
        let at = byteOffset + 3 * (index / 2)
        let value = index % 2 == 0
            ? Int(bytes[at]) | (Int(bytes[at + 1]) & 0x0F) << 8
            : Int(bytes[at + 2]) | (Int(bytes[at + 1]) & 0xF0) << 4
        return value >= 2048 ? value - 4096 : value
    }

    /// Physical samples of the file's signal `position` over `frames` frames: invalid values become NaN, the
    /// header's checksum is verified, and a skew shifts the signal earlier (its tail becomes NaN).
    func physical(signal position: Int, frames: Int) throws(RecordingError) -> [Float] {
        let spec = signals[position]
        let start = signals[..<position].reduce(0) { $0 + $1.samplesPerFrame }
        let frameWidth = samplesPerFrame
        let count = frames * spec.samplesPerFrame
        var samples = [Float](repeating: .nan, count: count)
        var sum = 0
        let skewSamples = spec.skew * spec.samplesPerFrame
        for k in 0..<count {
            let frame = k / spec.samplesPerFrame, within = k % spec.samplesPerFrame
            let d = digital(frame * frameWidth + start + within)
            sum &+= d
            let target = k - skewSamples
            if target >= 0, d != invalidValue {
                samples[target] = Float((Double(d) - Double(spec.baseline)) / spec.gain)
            }
        }
        if let expected = spec.checksum, Int16(truncatingIfNeeded: sum) != Int16(truncatingIfNeeded: expected) {
            throw RecordingError(file: path, problem: "signal '\(spec.description)': the samples sum to \(Int16(truncatingIfNeeded: sum)), the header's checksum is \(expected): the file is corrupt or belongs to another header")
        }
        return samples
    }
}
