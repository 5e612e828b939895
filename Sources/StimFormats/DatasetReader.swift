/// Random access to a stimuli dataset in a file or in memory: opening reads the preamble, the header, the trailer
/// and the footer's chunk index; `chunk(at:)` then reads any chunk (a student shuffling chunks each epoch holds one
/// chunk at a time). Everything read is checked as formats/README.md says; `verify()` reads every chunk.
public final class DatasetReader {
    public let file: String
    public let header: DatasetHeader
    public let footer: DatasetFooter
    /// The file's minor format version (newer minors only add fields, which this reader skips).
    public let minorVersion: Int
    /// File size in bytes.
    public let size: Int
    private let input: ByteInput

    public convenience init(path: String) throws(FormatError) {
        try self.init(input: try FileInput(path: path))
    }

    public convenience init(bytes: [UInt8], name: String = "<memory>") throws(FormatError) {
        try self.init(input: MemoryInput(bytes, name: name))
    }

    init(input: ByteInput) throws(FormatError) {
        let file = input.name
        guard let size = input.size else {
            throw FormatError(.io, file: file, "random access needs a regular file; read a stream with DatasetStream")
        }
        guard size >= Container.preambleSize + Container.trailerSize else {
            _ = try Container.checkPreamble(try input.read(at: 0, count: Container.preambleSize),
                                            magic: Container.datasetMagic, file: file)
            throw FormatError(.truncated, file: file, offset: size, "the file ends after \(size) bytes, before its trailer")
        }
        let minor = try Container.checkPreamble(try input.read(at: 0, count: Container.preambleSize),
                                                magic: Container.datasetMagic, file: file)
        let trailerOffset = size - Container.trailerSize
        let trailer = try input.read(at: trailerOffset, count: Container.trailerSize)
        guard Array(trailer[8...]) == Container.endMagic else {
            throw FormatError(.truncated, file: file, offset: trailerOffset,
                              "no trailer at the end of the file (truncated, or something was appended)")
        }
        let headerFrame = try Frame.read(input, at: Container.preambleSize, end: trailerOffset)
        guard headerFrame.type == Container.FrameType.header.rawValue else {
            throw FormatError(.unexpectedFrame, file: file, offset: headerFrame.offset,
                              "the first frame is of type \(headerFrame.type), not a header (1)")
        }
        let headerContext = DecodeContext(file: file, offset: headerFrame.offset, what: "header")
        let header = try DatasetHeader(decoding: headerFrame.payload, headerContext)
        try header.validate(headerContext)

        let footerOffset = Int(clamping: Container.readLE(trailer, at: 0, as: UInt64.self))
        guard footerOffset >= headerFrame.end, footerOffset < trailerOffset else {
            throw FormatError(.invalid, file: file, offset: trailerOffset,
                              "trailer: last_frame_offset \(footerOffset) is outside the frames (\(headerFrame.end)..<\(trailerOffset))")
        }
        let footerFrame = try Frame.read(input, at: footerOffset, end: trailerOffset)
        guard footerFrame.type == Container.FrameType.footer.rawValue, footerFrame.end == trailerOffset else {
            throw FormatError(.invalid, file: file, offset: footerOffset,
                              "trailer: last_frame_offset does not point at a footer that ends at the trailer")
        }
        let footerContext = DecodeContext(file: file, offset: footerOffset, what: "footer")
        let footer = try DatasetFooter(decoding: footerFrame.payload, footerContext)
        try footer.validateIndex(header: header, headerCRC: headerFrame.crc, chunksFrom: headerFrame.end,
                                 to: footerOffset, footerContext)
        self.file = file
        self.header = header
        self.footer = footer
        self.minorVersion = Int(minor)
        self.size = size
        self.input = input
    }

    public var chunkCount: Int { footer.chunks.count }
    public var stimulusCount: Int { footer.stimulusCount }

    /// Chunk `index` in file order, checked against its index entry and the header.
    public func chunk(at index: Int) throws(FormatError) -> StimulusChunk {
        guard footer.chunks.indices.contains(index) else {
            throw FormatError(.invalidArgument, file: file, "chunk \(index) does not exist (\(chunkCount) chunks)")
        }
        let entry = footer.chunks[index]
        let context = DecodeContext(file: file, offset: entry.offset, what: "chunk \(index)")
        let frame = try Frame.read(input, at: entry.offset, end: size - Container.trailerSize)
        guard frame.type == Container.FrameType.chunk.rawValue, frame.payload.count == entry.length,
              frame.crc == entry.crc32c else {
            throw context.error(.invalid, "the frame there does not match the footer's index entry")
        }
        let chunk = try StimulusChunk(decoding: frame.payload, header: header, context)
        guard chunk.count == entry.count else {
            throw context.error(.invalid, "holds \(chunk.count) stimuli, the footer says \(entry.count)")
        }
        try chunk.validate(header: header, firstIndex: entry.firstIndex, context)
        return chunk
    }

    /// Reads every chunk, checking each and the footer's class counts.
    public func verify() throws(FormatError) {
        var classCounts = Array(repeating: 0, count: header.classNames.count)
        for i in 0..<chunkCount {
            for k in try chunk(at: i).argmaxClasses(classes: header.classNames.count) { classCounts[k] += 1 }
        }
        guard classCounts == footer.classCounts else {
            throw FormatError(.invalid, file: file, offset: footer.chunks.last?.offset,
                              "footer: class counts \(footer.classCounts) differ from the stimuli's \(classCounts)")
        }
    }
}

extension DatasetFooter {
    /// Check 5 of formats/README.md for the index, as far as it can be made without reading the chunks.
    func validateIndex(header: DatasetHeader, headerCRC: UInt32, chunksFrom start: Int, to end: Int,
                       _ context: DecodeContext) throws(FormatError) {
        guard headerCRC32C == headerCRC else {
            throw context.error(.invalid, "header_crc32c \(hex(headerCRC32C)) is not the header's CRC \(hex(headerCRC))")
        }
        guard classCounts.count == header.classNames.count else {
            throw context.error(.invalid, "\(classCounts.count) class counts for \(header.classNames.count) classes")
        }
        var next = start
        var stimuli = 0
        for (i, entry) in chunks.enumerated() {
            guard entry.offset >= next, entry.offset < end,
                  entry.length <= end - entry.offset - Container.frameHeadSize - Container.frameTailSize else {
                throw context.error(.invalid, "chunk entry \(i) (offset \(entry.offset), length \(entry.length)) is outside "
                    + "the chunk frames \(next)..<\(end)")
            }
            guard entry.count >= 1, entry.count <= header.maxChunkStimuli else {
                throw context.error(.tooLarge, "chunk entry \(i) counts \(entry.count) stimuli (1...\(header.maxChunkStimuli))")
            }
            guard entry.firstIndex == stimuli else {
                throw context.error(.invalid, "chunk entry \(i) starts at stimulus \(entry.firstIndex), expected \(stimuli)")
            }
            stimuli += entry.count
            next = entry.offset + Container.frameHeadSize + entry.length + Container.frameTailSize
        }
        guard stimuli == stimulusCount else {
            throw context.error(.invalid, "stimulus_count \(stimulusCount) differs from the chunks' \(stimuli)")
        }
        var total = 0
        for c in classCounts {
            let (sum, overflow) = total.addingReportingOverflow(c)
            guard !overflow else { throw context.error(.tooLarge, "absurd class counts \(classCounts)") }
            total = sum
        }
        guard total == stimulusCount else {
            throw context.error(.invalid, "class counts sum to \(total), not stimulus_count \(stimulusCount)")
        }
    }
}
