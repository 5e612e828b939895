#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a stimuli dataset front to back, one chunk at a time, from a file, a pipe or stdin: a Pi Zero reads a
/// dataset of any size in bounded memory. Every check of formats/README.md is made as the frames go by; the footer
/// and trailer are checked against what was read when `nextChunk()` returns nil.
public final class DatasetStream {
    public let file: String
    public let header: DatasetHeader
    public let minorVersion: Int
    /// The footer, once the whole file has been read and checked.
    public private(set) var footer: DatasetFooter?
    private let input: ByteInput
    private let headerCRC: UInt32
    private let framesFrom: Int
    private var offset: Int
    private var stimuli = 0
    private var entries: [ChunkEntry] = []
    private var classCounts: [Int]

    public convenience init(path: String) throws(FormatError) {
        try self.init(input: try FileInput(path: path))
    }

    /// A descriptor that is already open, e.g. 0 for stdin; it is not closed.
    public convenience init(fileDescriptor: Int32, name: String) throws(FormatError) {
        try self.init(input: FileInput(fileDescriptor: fileDescriptor, name: name))
    }

    public convenience init(bytes: [UInt8], name: String = "<memory>") throws(FormatError) {
        try self.init(input: MemoryInput(bytes, name: name))
    }

    init(input: ByteInput) throws(FormatError) {
        file = input.name
        self.input = input
        minorVersion = Int(try Container.checkPreamble(try input.read(at: 0, count: Container.preambleSize),
                                                       magic: Container.datasetMagic, file: input.name))
        let frame = try Frame.read(input, at: Container.preambleSize, end: input.size.map { $0 - Container.trailerSize })
        guard frame.type == Container.FrameType.header.rawValue else {
            throw FormatError(.unexpectedFrame, file: file, offset: frame.offset,
                              "the first frame is of type \(frame.type), not a header (1)")
        }
        let context = DecodeContext(file: file, offset: frame.offset, what: "header")
        header = try DatasetHeader(decoding: frame.payload, context)
        try header.validate(context)
        headerCRC = frame.crc
        framesFrom = frame.end
        offset = frame.end
        classCounts = Array(repeating: 0, count: header.classNames.count)
    }

    /// The next chunk, or nil after the footer and trailer have been read and checked.
    public func nextChunk() throws(FormatError) -> StimulusChunk? {
        while footer == nil {
            let frame = try Frame.read(input, at: offset, end: input.size.map { $0 - Container.trailerSize })
            offset = frame.end
            switch frame.type {
            case Container.FrameType.chunk.rawValue:
                let context = DecodeContext(file: file, offset: frame.offset, what: "chunk \(entries.count)")
                let chunk = try StimulusChunk(decoding: frame.payload, header: header, context)
                try chunk.validate(header: header, firstIndex: stimuli, context)
                entries.append(ChunkEntry(offset: frame.offset, length: frame.payload.count, count: chunk.count,
                                          crc32c: frame.crc, firstIndex: stimuli))
                stimuli += chunk.count
                for k in chunk.argmaxClasses(classes: header.classNames.count) { classCounts[k] += 1 }
                return chunk
            case Container.FrameType.footer.rawValue:
                try finish(frame)
            case 128...:
                continue  // an optional extension frame this version does not know
            default:
                throw FormatError(.unexpectedFrame, file: file, offset: frame.offset,
                                  "a frame of type \(frame.type) where a chunk or the footer belongs")
            }
        }
        return nil
    }

    private func finish(_ frame: Frame) throws(FormatError) {
        let context = DecodeContext(file: file, offset: frame.offset, what: "footer")
        let footer = try DatasetFooter(decoding: frame.payload, context)
        try footer.validateIndex(header: header, headerCRC: headerCRC, chunksFrom: framesFrom, to: frame.offset, context)
        guard footer.chunks == entries else {
            throw context.error(.invalid, "the chunk index does not match the \(entries.count) chunk frames read")
        }
        guard footer.classCounts == classCounts else {
            throw context.error(.invalid, "class counts \(footer.classCounts) differ from the stimuli's \(classCounts)")
        }
        let trailer = try input.read(at: offset, count: Container.trailerSize)
        guard trailer.count == Container.trailerSize, Array(trailer[8...]) == Container.endMagic else {
            throw FormatError(.truncated, file: file, offset: offset, "the trailer after the footer is missing or damaged")
        }
        guard Container.readLE(trailer, at: 0, as: UInt64.self) == UInt64(frame.offset) else {
            throw FormatError(.invalid, file: file, offset: offset, "trailer: last_frame_offset does not point at the footer")
        }
        guard try input.read(at: offset + Container.trailerSize, count: 1).isEmpty else {
            throw FormatError(.invalid, file: file, offset: offset + Container.trailerSize, "bytes follow the trailer")
        }
        self.footer = footer
    }
}
