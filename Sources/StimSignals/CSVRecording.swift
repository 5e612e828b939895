/// Reads recordings stored as comma-separated samples at a sampling rate the caller states.
///
/// The first row may name the channels (any cell that is not a number makes it a header). A leading column
/// named `time`, `t` or `seconds` holds sample times: it is not a channel, and its steps must match the stated
/// rate. Empty cells and `NaN` are missing samples. Every row must have as many cells as the first.
public enum CSVRecording {
    /// How far a time column's step may stray from 1 / rate, relative to it (timestamps printed with few
    /// decimals round).
    static let timeTolerance = 0.01

    public static func read(path: String, samplingRate: Double, channels: [String]? = nil) throws(RecordingError) -> Recording {
        try parse(try RecordingFile.text(at: path), samplingRate: samplingRate, name: RecordingFile.stem(of: path),
                  file: path, channels: channels)
    }

    public static func parse(_ text: String, samplingRate: Double, name: String, file: String,
                             channels: [String]? = nil) throws(RecordingError) -> Recording {
        guard samplingRate.isFinite, samplingRate > 0 else {
            throw RecordingError(file: file, problem: "sampling rate \(samplingRate) is not positive")
        }
        var names: [String]?
        var columns: [[Float]] = []
        var times: [Double] = []
        var width = 0
        var hasTime = false
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingSpacesAndTabs
            if line.isEmpty { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpacesAndTabs }
            if width == 0 {
                width = cells.count
                if cells.contains(where: { !$0.isEmpty && value($0) == nil }) {
                    names = cells.map(String.init)
                    hasTime = ["time", "t", "seconds"].contains(cells[0].lowercased())
                    guard !hasTime || width > 1 else {
                        throw RecordingError(file: file, location: .line(lineNumber), problem: "the only column is the time column")
                    }
                    columns = Array(repeating: [], count: hasTime ? width - 1 : width)
                    continue
                }
                columns = Array(repeating: [], count: width)
            }
            guard cells.count == width else {
                throw RecordingError(file: file, location: .line(lineNumber), problem: "\(cells.count) cells, the first row has \(width)")
            }
            for (c, cell) in cells.enumerated() {
                guard let v = value(cell) else {
                    throw RecordingError(file: file, location: .line(lineNumber), problem: "column \(c + 1): '\(cell)' is not a number")
                }
                if hasTime && c == 0 {
                    guard v.isFinite else {
                        throw RecordingError(file: file, location: .line(lineNumber), problem: "the time cell is empty or NaN")
                    }
                    if let last = times.last, abs((v - last) * samplingRate - 1) > timeTolerance {
                        throw RecordingError(file: file, location: .line(lineNumber),
                                             problem: "time steps from \(last) to \(v) s, but the stated rate \(samplingRate) Hz means steps of \(1 / samplingRate) s")
                    }
                    times.append(v)
                } else {
                    columns[hasTime ? c - 1 : c].append(Float(v))
                }
            }
        }
        guard width > 0 else { throw RecordingError(file: file, problem: "no rows") }
        let channelNames = names.map { Array($0.dropFirst(hasTime ? 1 : 0)) }
            ?? (1...columns.count).map { "channel \($0)" }
        let wanted = try WFDBRecord.selection(of: channelNames, channels: channels, file: file)
        return Recording(name: name, signals: wanted.map {
            Signal(name: channelNames[$0], unit: "", samplingRate: samplingRate, samples: columns[$0])
        })
    }

    /// A cell's value: a finite number, or NaN for an empty cell or "NaN"; nil for anything else.
    static func value(_ cell: Substring) -> Double? {
        if cell.isEmpty || cell.lowercased() == "nan" { return .nan }
        guard let v = Double(cell), v.isFinite else { return nil }
        return v
    }
}
