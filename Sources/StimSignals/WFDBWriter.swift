/// Writes a `Recording` as a WFDB record: `NAME.hea` and one `NAME.dat` with the signals interleaved, in
/// format 16 or 212, with checksums and initial values, so that PhysioNet tools and `WFDBRecord` read it back.
public enum WFDBWriter {
    /// Writes `recording` into `directory` as `recording.name`. All signals must share one sampling rate; a
    /// shorter signal is padded with invalid samples. Each signal gets the gain and baseline that map its
    /// finite range onto the format's digital range, so reading back is off by at most half an ADC step
    /// (1 / (2 · gain)). NaN is written as WFDB's invalid value.
    public static func write(_ recording: Recording, to directory: String, format: Int = 16) throws(RecordingError) {
        let headerPath = RecordingFile.join(directory, recording.name + ".hea")
        let datName = recording.name + ".dat"
        guard format == 16 || format == 212 else {
            throw RecordingError(file: headerPath, problem: "format \(format) cannot be written (stim writes 16 and 212)")
        }
        guard !recording.name.isEmpty, !recording.name.contains(where: { $0 == " " || $0 == "/" || $0 == "\t" }) else {
            throw RecordingError(file: headerPath, problem: "record name '\(recording.name)' must be non-empty, without spaces or '/'")
        }
        guard let rate = recording.signals.first?.samplingRate else {
            throw RecordingError(file: headerPath, problem: "a WFDB record needs at least one signal")
        }
        guard rate.isFinite, rate > 0 else {
            throw RecordingError(file: headerPath, problem: "sampling rate \(rate) is not positive")
        }
        for s in recording.signals where s.samplingRate != rate {
            throw RecordingError(file: headerPath, problem: "signal '\(s.name)' has \(s.samplingRate) Hz, the first signal \(rate) Hz: stim writes one rate per record")
        }
        for s in recording.signals where s.unit.contains(where: { $0 == " " || $0 == "\t" }) || s.name.contains("\n") {
            throw RecordingError(file: headerPath, problem: "signal '\(s.name)': units may not contain spaces, names no line breaks")
        }
        let frames = recording.signals.map(\.samples.count).max() ?? 0
        let maxDigital = format == 16 ? 32767 : 2047, invalid = format == 16 ? -32768 : -2048
        var digital: [[Int]] = []
        var lines: [String] = []
        for s in recording.signals {
            let (gain, baseline) = try scaling(s, maxDigital: maxDigital, file: headerPath)
            let values = (0..<frames).map { i -> Int in
                guard i < s.samples.count, s.samples[i].isFinite else { return invalid }
                return Int((Double(s.samples[i]) * gain).rounded()) + baseline
            }
            digital.append(values)
            let checksum = Int(Int16(truncatingIfNeeded: values.reduce(0, &+)))
            let resolution = format == 16 ? 16 : 12
            lines.append("\(datName) \(format) \(gain)(\(baseline))/\(s.unit.isEmpty ? "NU" : s.unit) \(resolution) 0 \(values.first ?? 0) \(checksum) 0 \(s.name)")
        }
        var header = "\(recording.name) \(recording.signals.count) \(rate) \(frames)\n" + lines.joined(separator: "\n") + "\n"
        for c in recording.comments { header += "# \(c.split(whereSeparator: { $0.isNewline }).joined(separator: " "))\n" }
        var interleaved: [Int] = []
        interleaved.reserveCapacity(frames * digital.count)
        for f in 0..<frames { for d in digital { interleaved.append(d[f]) } }
        try RecordingFile.writeAtomically([
            (RecordingFile.join(directory, datName), encode(interleaved, format: format)),
            (headerPath, Array(header.utf8)),
        ])
    }

    /// Gain and baseline that map the signal's finite range symmetrically onto ±`maxDigital`, with one step of
    /// slack for the rounded baseline.
    static func scaling(_ s: Signal, maxDigital: Int, file: String) throws(RecordingError) -> (gain: Double, baseline: Int) {
        let finite = s.samples.filter(\.isFinite).map(Double.init)
        guard let low = finite.min(), let high = finite.max() else { return (200, 0) }
        let center = (low + high) / 2
        let half = high > low ? (high - low) / 2 : max(abs(center), 1)
        let gain = Double(maxDigital - 1) / half
        let baseline = -(center * gain).rounded()
        guard abs(baseline) < Double(Int32.max) else {
            throw RecordingError(file: file, problem: "signal '\(s.name)' varies too little around its offset to be stored with an int32 baseline")
        }
        return (gain, Int(baseline))
    }

    /// Packs digital samples (already in range) in format 16 or 212.
    static func encode(_ samples: [Int], format: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        if format == 16 {
            bytes.reserveCapacity(2 * samples.count)
            for v in samples {
                let u = UInt16(bitPattern: Int16(v))
                bytes.append(UInt8(u & 0xFF))
                bytes.append(UInt8(u >> 8))
            }
            return bytes
        }
        bytes.reserveCapacity(3 * (samples.count + 1) / 2)
        var i = 0
        while i < samples.count {
            let a = samples[i] & 0xFFF
            if i + 1 < samples.count {
                let b = samples[i + 1] & 0xFFF
                bytes += [UInt8(a & 0xFF), UInt8((a >> 8) | ((b >> 8) << 4)), UInt8(b & 0xFF)]
            } else {
                bytes += [UInt8(a & 0xFF), UInt8(a >> 8)]
            }
            i += 2
        }
        return bytes
    }
}
