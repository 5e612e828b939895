extension WFDBAnnotationFile {
    /// Encodes annotations (sorted by sample) as an MIT-format file, with SKIP for intervals that do not fit
    /// 10 bits, and SUB/CHN/NUM/AUX words after an annotation only where a field differs from what the reader
    /// carries over.
    public static func encode(_ annotations: [WFDBAnnotation], file: String) throws(RecordingError) -> [UInt8] {
        var bytes: [UInt8] = []
        func put(_ code: Int, _ low: Int) {
            let w = UInt16(code) << 10 | UInt16(low & 0x3FF)
            bytes.append(UInt8(w & 0xFF))
            bytes.append(UInt8(w >> 8))
        }
        var time = 0, channel = 0, number = 0
        for a in annotations {
            guard (1...49).contains(a.code) else {
                throw RecordingError(file: file, problem: "annotation code \(a.code) at sample \(a.sample) is not 1…49")
            }
            guard a.sample >= time else {
                throw RecordingError(file: file, problem: "annotations are not in time order at sample \(a.sample)")
            }
            guard (0...1023).contains(a.subtype), (0...1023).contains(a.channel), (-512...511).contains(a.number),
                  (a.aux?.count ?? 0) <= 255 else {
                throw RecordingError(file: file, problem: "annotation at sample \(a.sample): subtype, channel, number or aux out of range")
            }
            var interval = a.sample - time
            if interval > 1023 {
                guard interval <= Int(Int32.max) else {
                    throw RecordingError(file: file, problem: "a gap of \(interval) samples does not fit a SKIP word")
                }
                put(skip, 0)
                let v = UInt32(interval)
                for half in [v >> 16, v & 0xFFFF] {
                    bytes.append(UInt8(half & 0xFF))
                    bytes.append(UInt8(half >> 8))
                }
                interval = 0
            }
            put(a.code, interval)
            if a.subtype != 0 { put(sub, a.subtype) }
            if a.channel != channel { put(chn, a.channel); channel = a.channel }
            if a.number != number { put(num, a.number); number = a.number }
            if let text = a.aux {
                put(aux, text.count)
                bytes.append(contentsOf: text)
                if text.count % 2 == 1 { bytes.append(0) }
            }
            time = a.sample
        }
        put(0, 0)
        return bytes
    }

    /// Writes annotations to `path` (through a temporary file, renamed when complete).
    public static func write(_ annotations: [WFDBAnnotation], to path: String) throws(RecordingError) {
        try RecordingFile.writeAtomically([(path, try encode(annotations, file: path))])
    }

    /// `.apn` annotations for per-minute labels at `samplingRate`: `A` or `N` at the first sample of each minute.
    public static func annotations(for labels: [MinuteLabel], samplingRate: Double) -> [WFDBAnnotation] {
        labels.sorted { $0.minute < $1.minute }.map {
            WFDBAnnotation(sample: Int((Double($0.minute) * 60 * samplingRate).rounded()),
                           code: $0.apnea ? WFDBAnnotation.apnea : WFDBAnnotation.normal)
        }
    }
}
