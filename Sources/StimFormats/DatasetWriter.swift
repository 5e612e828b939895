/// Writes a stimuli dataset: the header, stimuli in chunks of at most `header.maxChunkStimuli`, then the footer
/// and trailer in `finish()`. The file appears under its name only when `finish()` succeeds (until then it is
/// `PATH.partial`); a writer dropped unfinished, or a failed write, deletes the partial file.
public final class DatasetWriter {
    public let path: String
    public let header: DatasetHeader
    private let output: FileOutput
    private let headerCRC: UInt32
    private var pending: [StimulusChunk] = []
    private var pendingCount = 0
    private var written = 0
    private var entries: [ChunkEntry] = []
    private var classCounts: [Int]
    private var finished = false

    public init(path: String, header: DatasetHeader) throws(FormatError) {
        try header.validate(DecodeContext(file: path, offset: 0, what: "header"))
        self.path = path
        self.header = header
        classCounts = Array(repeating: 0, count: header.classNames.count)
        output = try FileOutput(path: path)
        try output.write(Container.preamble(magic: Container.datasetMagic))
        let frame = Frame.encode(.header, header.encoded())
        guard frame.bytes.count - 9 <= Container.FrameType.header.limit else {
            throw FormatError(.invalidArgument, file: path, "the header encodes to \(frame.bytes.count - 9) bytes, over "
                + "the 1 MiB limit")
        }
        headerCRC = frame.crc
        try output.write(frame.bytes)
    }

    /// Stimuli written so far (including those waiting for their chunk to fill).
    public var count: Int { written + pendingCount }

    /// Appends stimuli given as real values (after normalization): `samples` holds n × channels × samples per window
    /// values, `labels` n × classes teacher probabilities, `targetClass` nil or n classes.
    public func append(samples: [Float], labels: [Float], targetClass: [UInt32]? = nil) throws(FormatError) {
        try append(SampleArray(encoding: header.sampleEncoding, values: samples, samplesPerWindow: header.input.samplesPerWindow),
                   labels: LabelArray(encoding: header.labelEncoding, probabilities: labels), targetClass: targetClass)
    }

    /// Appends stimuli already in the dataset's encodings (e.g. copied from another dataset).
    public func append(_ samples: SampleArray, labels: LabelArray, targetClass: [UInt32]? = nil) throws(FormatError) {
        guard !finished else { throw FormatError(.invalidArgument, file: path, "append after finish()") }
        let classes = header.classNames.count
        guard samples.kind == header.sampleEncoding.kind, labels.encoding == header.labelEncoding else {
            throw FormatError(.invalidArgument, file: path, "samples or labels are not in the header's encodings")
        }
        guard labels.count % classes == 0 else {
            throw FormatError(.invalidArgument, file: path, "\(labels.count) label values are not a multiple of \(classes) classes")
        }
        let n = labels.count / classes
        guard samples.count == n * header.input.valuesPerWindow else {
            throw FormatError(.invalidArgument, file: path, "\(samples.count) sample values for \(n) stimuli of "
                + "\(header.input.valuesPerWindow) values each")
        }
        if let targetClass, targetClass.count != n {
            throw FormatError(.invalidArgument, file: path, "\(targetClass.count) target classes for \(n) stimuli")
        }
        guard n > 0 else { return }
        // Mixed presence of target classes across one chunk would not be representable.
        if let first = pending.first, first.targetClass.isEmpty != (targetClass == nil) {
            try flush()
        }
        let chunk = StimulusChunk(firstIndex: count, count: n, samples: samples, labels: labels, targetClass: targetClass ?? [])
        try chunk.validate(header: header, firstIndex: count, DecodeContext(file: path, offset: output.offset, what: "append"))
        for k in chunk.argmaxClasses(classes: classes) { classCounts[k] += 1 }
        // Cut the new stimuli where chunks end, copying each value once.
        var start = 0
        while start < n {
            let take = min(header.maxChunkStimuli - pendingCount, n - start)
            pending.append(start == 0 && take == n ? chunk : chunk.slice(start..<(start + take), header: header))
            pendingCount += take
            start += take
            if pendingCount == header.maxChunkStimuli { try flush() }
        }
    }

    /// Ends the chunk being filled: the next stimuli start a new one. `stim windows` calls it between records,
    /// so that each chunk holds windows of one record and training can keep records whole in its folds.
    public func endChunk() throws(FormatError) {
        try flush()
    }

    /// Writes the pending stimuli (at most maxChunkStimuli) as one chunk frame.
    private func flush() throws(FormatError) {
        guard pendingCount > 0 else { return }
        let chunk = StimulusChunk.concatenate(pending)
        let frame = Frame.encode(.chunk, chunk.encoded())
        let length = frame.bytes.count - Container.frameHeadSize - Container.frameTailSize
        guard length <= Container.FrameType.chunk.limit else {
            throw FormatError(.invalidArgument, file: path, "a chunk of \(chunk.count) stimuli encodes to \(length) bytes, "
                + "over the 64 MiB limit: lower max_chunk_stimuli")
        }
        entries.append(ChunkEntry(offset: output.offset, length: length, count: chunk.count, crc32c: frame.crc,
                                  firstIndex: written))
        try output.write(frame.bytes)
        written += chunk.count
        pending = []
        pendingCount = 0
    }

    /// Writes the remaining stimuli, the footer and the trailer, and gives the file its name.
    @discardableResult
    public func finish() throws(FormatError) -> DatasetFooter {
        guard !finished else { throw FormatError(.invalidArgument, file: path, "finish() called twice") }
        try flush()
        let footer = DatasetFooter(stimulusCount: written, chunks: entries, classCounts: classCounts, headerCRC32C: headerCRC)
        let footerOffset = output.offset
        let frame = Frame.encode(.footer, footer.encoded())
        guard frame.bytes.count - 9 <= Container.FrameType.footer.limit else {
            throw FormatError(.invalidArgument, file: path, "the footer's chunk index is over 64 MiB: raise max_chunk_stimuli")
        }
        try output.write(frame.bytes)
        try output.write(Container.trailer(lastFrameOffset: footerOffset))
        try output.commit()
        finished = true
        return footer
    }
}

extension StimulusChunk {
    /// One chunk holding `chunks` in order (their first index is the first one's); linear in the total size.
    static func concatenate(_ chunks: [StimulusChunk]) -> StimulusChunk {
        guard let first = chunks.first else { preconditionFailure("concatenate needs a chunk") }
        guard chunks.count > 1 else { return first }
        func join<T>(_ part: (StimulusChunk) -> [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(chunks.reduce(0) { $0 + part($1).count })
            for c in chunks { out.append(contentsOf: part(c)) }
            return out
        }
        let samples: SampleArray
        switch first.samples {
        case .float32: samples = .float32(join { if case .float32(let v) = $0.samples { v } else { [] } })
        case .int16: samples = .int16(join { if case .int16(let v) = $0.samples { v } else { [] } })
        case .int8: samples = .int8(join { if case .int8(let v) = $0.samples { v } else { [] } })
        }
        let labels: LabelArray
        switch first.labels {
        case .float32: labels = .float32(join { if case .float32(let v) = $0.labels { v } else { [] } })
        case .uint16: labels = .uint16(join { if case .uint16(let v) = $0.labels { v } else { [] } })
        case .uint8: labels = .uint8(join { if case .uint8(let v) = $0.labels { v } else { [] } })
        }
        return StimulusChunk(firstIndex: first.firstIndex, count: chunks.reduce(0) { $0 + $1.count }, samples: samples,
                             labels: labels, targetClass: join { $0.targetClass })
    }

    /// The stimuli in `range` (indices within this chunk).
    func slice(_ range: Range<Int>, header: DatasetHeader) -> StimulusChunk {
        let v = header.input.valuesPerWindow, k = header.classNames.count
        let s = (range.lowerBound * v)..<(range.upperBound * v), l = (range.lowerBound * k)..<(range.upperBound * k)
        let samples: SampleArray
        switch self.samples {
        case .float32(let x): samples = .float32(Array(x[s]))
        case .int16(let x): samples = .int16(Array(x[s]))
        case .int8(let x): samples = .int8(Array(x[s]))
        }
        let labels: LabelArray
        switch self.labels {
        case .float32(let x): labels = .float32(Array(x[l]))
        case .uint16(let x): labels = .uint16(Array(x[l]))
        case .uint8(let x): labels = .uint8(Array(x[l]))
        }
        return StimulusChunk(firstIndex: firstIndex + range.lowerBound, count: range.count, samples: samples,
                             labels: labels, targetClass: targetClass.isEmpty ? [] : Array(targetClass[range]))
    }
}
