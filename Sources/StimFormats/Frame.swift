/// One frame read from a file: `type:u8 length:u32le payload[length] crc:u32le`.
struct Frame {
    var offset: Int
    var type: UInt8
    var payload: [UInt8]
    var crc: UInt32

    /// Offset just past the frame.
    var end: Int { offset + Container.frameHeadSize + payload.count + Container.frameTailSize }

    static func encode(_ type: Container.FrameType, _ payload: [UInt8]) -> (bytes: [UInt8], crc: UInt32) {
        let crc = Checksum.crc32c(payload)
        var bytes: [UInt8] = [type.rawValue]
        bytes.reserveCapacity(payload.count + 9)
        Container.appendLE(&bytes, UInt32(payload.count))
        bytes.append(contentsOf: payload)
        Container.appendLE(&bytes, crc)
        return (bytes, crc)
    }

    /// Reads and checks the frame at `offset`. `end` is where frames must stop (the trailer's offset) when the size
    /// of the input is known. Frame types ≥ 128 are optional extensions a reader skips; others must be known.
    static func read(_ input: ByteInput, at offset: Int, end: Int?) throws(FormatError) -> Frame {
        let head = try input.read(at: offset, count: Container.frameHeadSize)
        guard head.count == Container.frameHeadSize else {
            throw FormatError(.truncated, file: input.name, offset: offset,
                              "the file ends inside a frame's type and length (\(head.count) of 5 bytes)")
        }
        let type = head[0]
        let length = Int(Container.readLE(head, at: 1, as: UInt32.self))
        let limit = Container.FrameType(rawValue: type)?.limit ?? (type >= 128 ? Container.FrameType.chunk.limit : -1)
        guard limit >= 0 else {
            throw FormatError(.unexpectedFrame, file: input.name, offset: offset, "unknown frame type \(type)")
        }
        guard length <= limit else {
            throw FormatError(.tooLarge, file: input.name, offset: offset,
                              "frame length \(length) exceeds the \(limit)-byte limit of its type \(type)")
        }
        if let end, offset + Container.frameHeadSize + length + Container.frameTailSize > end {
            throw FormatError(.tooLarge, file: input.name, offset: offset,
                              "frame length \(length) runs past the end of the frames (byte \(end))")
        }
        let body = try readAll(input, at: offset + Container.frameHeadSize, count: length + Container.frameTailSize)
        guard body.count == length + Container.frameTailSize else {
            throw FormatError(.truncated, file: input.name, offset: offset,
                              "the file ends inside a frame of \(length) bytes")
        }
        let stored = Container.readLE(body, at: length, as: UInt32.self)
        var payload = body
        payload.removeLast(Container.frameTailSize)
        let computed = Checksum.crc32c(payload)
        guard stored == computed else {
            let name = Container.FrameType(rawValue: type)?.name ?? "type \(type)"
            throw FormatError(.checksumMismatch, file: input.name, offset: offset,
                              "\(name) frame: CRC-32C mismatch (stored \(hex(stored)), computed \(hex(computed)))")
        }
        return Frame(offset: offset, type: type, payload: payload, crc: stored)
    }

    /// Reads in pieces, so a length that lies on an input of unknown size costs only what is really there.
    private static func readAll(_ input: ByteInput, at offset: Int, count: Int) throws(FormatError) -> [UInt8] {
        if input.size != nil { return try input.read(at: offset, count: count) }
        var out: [UInt8] = []
        let piece = 1 << 20
        while out.count < count {
            let part = try input.read(at: offset + out.count, count: min(piece, count - out.count))
            out.append(contentsOf: part)
            if part.isEmpty { break }
        }
        return out
    }
}
