/// Writes a `Recording` as an EDF+C file with an "EDF Annotations" signal holding `recording.annotations`.
///
/// Each signal's physical range is its finite minimum and maximum, widened outward to numbers that fit EDF's
/// 8-character fields, and mapped onto digital −32767…32767; samples are rounded with the written range, so
/// reading back is off by at most half a step. NaN is stored as −32768, outside the digital range. The
/// identification fields are EDF+'s anonymous "X X X X" and "Startdate X X X X".
public enum EDFWriter {
    static let digitalMinimum = -32767, digitalMaximum = 32767, gapValue = -32768

    /// Writes `recording` to `path`. The data record lasts the shortest whole number of seconds (up to 60) in
    /// which every signal has a whole number of samples; the last record is padded with NaN (gap) samples.
    public static func write(_ recording: Recording, to path: String) throws(RecordingError) {
        try RecordingFile.writeAtomically([(path, try encode(recording, file: path))])
    }

    static func encode(_ recording: Recording, file: String) throws(RecordingError) -> [UInt8] {
        guard !recording.signals.isEmpty else { throw RecordingError(file: file, problem: "an EDF file needs at least one signal") }
        guard let seconds = (1...60).first(where: { d in
            recording.signals.allSatisfy { s in
                let n = s.samplingRate * Double(d)
                return n >= 1 && abs(n - n.rounded()) < 1e-9 * max(1, n)
            }
        }) else {
            throw RecordingError(file: file, problem: "no record duration of 1…60 s holds a whole number of samples of every signal (rates \(recording.signals.map(\.samplingRate)))")
        }
        let perRecord = recording.signals.map { Int(($0.samplingRate * Double(seconds)).rounded()) }
        let records = zip(recording.signals, perRecord).map { s, n in (s.samples.count + n - 1) / n }.max() ?? 0

        // Time-keeping TAL first in every record, then the annotations whose onset falls in it.
        var tals = (0..<max(records, 1)).map { r in Array("+\(decimal(Double(r * seconds), fractionDigits: 0))\u{14}\u{14}\u{0}".utf8) }
        for a in recording.annotations {
            // 1e9 s (31 years) keeps the decimal text, and the record index, far from integer overflow.
            guard a.onset >= 0, a.onset < 1e9, a.duration.map({ $0 >= 0 && $0 < 1e9 }) ?? true else {
                throw RecordingError(file: file, problem: "annotation '\(a.text)' has an onset or duration outside 0…1e9 s")
            }
            let r = min(Int(a.onset) / seconds, tals.count - 1)
            var tal = "+" + decimal(a.onset, fractionDigits: 6)
            if let d = a.duration { tal += "\u{15}" + decimal(d, fractionDigits: 6) }
            tal += "\u{14}" + a.text.replacing("\u{14}", with: " ").replacing("\u{0}", with: " ") + "\u{14}\u{0}"
            tals[r] += Array(tal.utf8)
        }
        let annotationSamples = max(30, (tals.map(\.count).max() ?? 0) + 1) / 2 + 1

        var ranges: [(low: String, high: String, lowValue: Double, highValue: Double)] = []
        for s in recording.signals {
            let finite = s.samples.filter(\.isFinite)
            var low = Double(finite.min() ?? -1), high = Double(finite.max() ?? 1)
            if low == high { low -= 1; high += 1 }
            let lowText = try field(low, roundingUp: false, file: file), highText = try field(high, roundingUp: true, file: file)
            ranges.append((lowText, highText, Double(lowText)!, Double(highText)!))
        }

        var header = ""
        func put(_ value: String, _ width: Int) {
            header += value.count >= width ? String(value.prefix(width)) : value + String(repeating: " ", count: width - value.count)
        }
        let signalCount = recording.signals.count + 1
        put("0", 8); put("X X X X", 80); put("Startdate X X X X", 80); put("01.01.85", 8); put("00.00.00", 8)
        put(String(256 * (signalCount + 1)), 8); put("EDF+C", 44); put(String(records), 8); put(String(seconds), 8)
        put(String(signalCount), 4)
        let labels = recording.signals.map { $0.name } + ["EDF Annotations"]
        for l in labels { put(l, 16) }
        for _ in labels { put("", 80) }
        for s in recording.signals { put(s.unit, 8) }; put("", 8)
        for r in ranges { put(r.low, 8) }; put("-1", 8)
        for r in ranges { put(r.high, 8) }; put("1", 8)
        for _ in recording.signals { put(String(digitalMinimum), 8) }; put("-32768", 8)
        for _ in recording.signals { put(String(digitalMaximum), 8) }; put("32767", 8)
        for _ in labels { put("", 80) }
        for n in perRecord { put(String(n), 8) }; put(String(annotationSamples), 8)
        for _ in labels { put("", 32) }

        var bytes = Array(header.utf8)
        guard bytes.count == 256 * (signalCount + 1) else {
            throw RecordingError(file: file, problem: "signal names and units must be ASCII (EDF header fields are ASCII)")
        }
        func append(_ v: Int) {
            let u = UInt16(bitPattern: Int16(v))
            bytes.append(UInt8(u & 0xFF))
            bytes.append(UInt8(u >> 8))
        }
        for r in 0..<records {
            for (i, s) in recording.signals.enumerated() {
                let scale = Double(digitalMaximum - digitalMinimum) / (ranges[i].highValue - ranges[i].lowValue)
                for k in (r * perRecord[i])..<((r + 1) * perRecord[i]) {
                    guard k < s.samples.count, s.samples[k].isFinite else { append(gapValue); continue }
                    let d = (Double(s.samples[k]) - ranges[i].lowValue) * scale + Double(digitalMinimum)
                    append(min(max(Int(d.rounded()), digitalMinimum), digitalMaximum))
                }
            }
            var tal = tals[r]
            tal += [UInt8](repeating: 0, count: 2 * annotationSamples - tal.count)
            bytes += tal
        }
        return bytes
    }

    /// `x` as an EDF number of at most 8 characters, rounded outward (down for a minimum, up for a maximum)
    /// with as many decimals as fit.
    static func field(_ x: Double, roundingUp: Bool, file: String) throws(RecordingError) -> String {
        for digits in stride(from: 7, through: 0, by: -1) {
            let scale = pow10(digits)
            let scaled = roundingUp ? (x * scale).rounded(.up) : (x * scale).rounded(.down)
            guard abs(scaled) < 1e15 else { continue }
            let text = decimal(scaled / scale, fractionDigits: digits)
            if text.count <= 8, let back = Double(text), roundingUp ? back >= x : back <= x { return text }
        }
        throw RecordingError(file: file, problem: "physical value \(x) does not fit EDF's 8-character number fields")
    }

    static func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { r, _ in r * 10 } }

    /// Plain decimal notation (no exponent) with at most `fractionDigits` decimals, trailing zeros dropped.
    static func decimal(_ x: Double, fractionDigits: Int) -> String {
        let scale = pow10(fractionDigits)
        let total = Int((abs(x) * scale).rounded())
        let unit = Int(scale)
        var text = String(total / unit)
        var fraction = String(total % unit)
        if fractionDigits > 0 {
            fraction = String(repeating: "0", count: fractionDigits - fraction.count) + fraction
            while fraction.last == "0" { fraction.removeLast() }
            if !fraction.isEmpty { text += "." + fraction }
        }
        return (x < 0 && total != 0 ? "-" : "") + text
    }
}
