/// Reads WFDB records (a `.hea` header and its signal files) into `Recording`s: single-segment records with
/// signals interleaved in one file or spread over several, and multi-segment records.
public enum WFDBRecord {
    /// Longest run of `~` (null) segments accepted, in seconds: a gap longer than a week is a corrupt header,
    /// and would otherwise size an allocation.
    static let longestGap = 7.0 * 86_400

    /// Reads the record whose header is at `headerPath`. With `channels`, reads only the signals with those
    /// descriptions (case-insensitive), in that order, and only the files that hold them.
    public static func read(headerPath: String, channels: [String]? = nil) throws(RecordingError) -> Recording {
        let header = try WFDBHeader.read(path: headerPath)
        let directory = RecordingFile.directory(of: headerPath)
        if let segments = header.segments {
            return try readSegments(segments, of: header, headerPath: headerPath, directory: directory, channels: channels)
        }
        return try readSingle(header, headerPath: headerPath, directory: directory, channels: channels)
    }

    static func readSingle(_ header: WFDBHeader, headerPath: String, directory: String,
                           channels: [String]?) throws(RecordingError) -> Recording {
        let wanted = try selection(of: header.signals.map(\.description), channels: channels, file: headerPath)
        var files: [String: WFDBSignalFile] = [:]
        var signals: [Signal] = []
        for index in wanted {
            let spec = header.signals[index]
            let path = RecordingFile.join(directory, spec.fileName)
            if files[spec.fileName] == nil {
                let sharing = header.signals.filter { $0.fileName == spec.fileName }
                files[spec.fileName] = try WFDBSignalFile(path: path, bytes: try RecordingFile.bytes(at: path), signals: sharing)
            }
            guard let file = files[spec.fileName] else { continue }
            let position = header.signals[..<index].filter { $0.fileName == spec.fileName }.count
            let frames = try file.frameCount(header: header.numberOfSamples)
            signals.append(Signal(name: spec.description, unit: spec.units,
                                  samplingRate: header.samplingFrequency * Double(spec.samplesPerFrame),
                                  samples: try file.physical(signal: position, frames: frames)))
        }
        return Recording(name: header.recordName, signals: signals, comments: header.comments)
    }

    /// Indices of the signals to read: all, or those named by `channels`, in the caller's order.
    static func selection(of names: [String], channels: [String]?, file: String) throws(RecordingError) -> [Int] {
        guard let channels else { return Array(names.indices) }
        var indices: [Int] = []
        for channel in channels {
            let key = channel.trimmingSpaces.lowercased()
            guard let i = names.firstIndex(where: { $0.trimmingSpaces.lowercased() == key }) else {
                throw RecordingError(file: file, problem: "no signal named '\(channel)' (the record has: \(names.joined(separator: ", ")))")
            }
            indices.append(i)
        }
        return indices
    }

    /// A multi-segment record: each segment is a record of its own in the same folder; `~` segments are gaps.
    /// A leading segment of length 0 is the layout (it names the record's signals); otherwise the first real
    /// segment does. Signals a segment lacks are NaN over that segment.
    static func readSegments(_ segments: [WFDBSegment], of header: WFDBHeader, headerPath: String,
                             directory: String, channels: [String]?) throws(RecordingError) -> Recording {
        var segmentHeaders: [WFDBHeader?] = []
        var gapFrames = 0
        for segment in segments {
            if segment.isNull {
                gapFrames += segment.numberOfSamples
                segmentHeaders.append(nil)
                continue
            }
            let path = RecordingFile.join(directory, segment.name + ".hea")
            let h = try WFDBHeader.read(path: path)
            guard h.segments == nil else {
                throw RecordingError(file: path, problem: "a segment of '\(header.recordName)' is itself a multi-segment record")
            }
            guard h.samplingFrequency == header.samplingFrequency else {
                throw RecordingError(file: path, problem: "segment rate \(h.samplingFrequency) Hz differs from the record's \(header.samplingFrequency) Hz")
            }
            segmentHeaders.append(h)
        }
        guard Double(gapFrames) <= longestGap * header.samplingFrequency else {
            throw RecordingError(file: headerPath, problem: "the null (~) segments add up to \(gapFrames) samples, more than a week: the header is corrupt")
        }
        let isLayout = segments.first.map { !$0.isNull && $0.numberOfSamples == 0 } ?? false
        guard let layout = (isLayout ? segmentHeaders.first ?? nil : segmentHeaders.compactMap { $0 }.first) else {
            throw RecordingError(file: headerPath, problem: "every segment is null: the record has no signals")
        }
        let names = layout.signals.map(\.description)
        let wanted = try selection(of: names, channels: channels, file: headerPath).map { names[$0] }
        let rates = wanted.map { name in
            layout.signals.first { $0.description == name }.map { header.samplingFrequency * Double($0.samplesPerFrame) }
                ?? header.samplingFrequency
        }
        var signals = zip(wanted, rates).map { name, rate in
            Signal(name: name, unit: layout.signals.first { $0.description == name }?.units ?? "", samplingRate: rate, samples: [])
        }
        for (index, (segment, h)) in zip(segments, segmentHeaders).enumerated() where !(isLayout && index == 0) {
            let present: Recording?
            if let h {
                let names = h.signals.map(\.description)
                let here = wanted.filter { names.contains($0) }
                present = try readSingle(h, headerPath: RecordingFile.join(directory, segment.name + ".hea"),
                                         directory: directory, channels: here)
            } else {
                present = nil
            }
            for i in signals.indices {
                let perFrame = Int((signals[i].samplingRate / header.samplingFrequency).rounded())
                let length = segment.numberOfSamples * perFrame
                guard let part = present?.signal(named: signals[i].name)?.samples else {
                    signals[i].samples.append(contentsOf: repeatElement(.nan, count: length))
                    continue
                }
                guard part.count == length else {
                    throw RecordingError(file: RecordingFile.join(directory, segment.name + ".hea"),
                                         problem: "segment holds \(part.count) samples of '\(signals[i].name)', the record's header lists \(length)")
                }
                signals[i].samples.append(contentsOf: part)
            }
        }
        return Recording(name: header.recordName, signals: signals, comments: header.comments)
    }
}
