import CZlib

/// Why a gzip stream could not be decompressed.
public struct GzipError: Error, Equatable, CustomStringConvertible {
    public var problem: String
    public var description: String { problem }
}

/// Decompresses a gzip file's bytes with the system zlib (which checks the header, the CRC-32 and the length
/// in the trailer).
enum Gunzip {
    static func decompress(_ compressed: [UInt8]) throws(GzipError) -> [UInt8] {
        guard compressed.count >= 18 else {
            throw GzipError(problem: "\(compressed.count) bytes are too short for a gzip stream (header and trailer take 18)")
        }
        guard compressed[0] == 0x1f, compressed[1] == 0x8b else {
            throw GzipError(problem: "not gzip: the file starts with \(hex(compressed[0])) \(hex(compressed[1])), not 1f 8b")
        }
        var stream = z_stream()
        // windowBits 15 + 16: a gzip wrapper around a 32 KiB-window deflate stream.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipError(problem: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        // The trailer's last four bytes hold the length modulo 2^32: a first guess at the output size.
        let guess = compressed[(compressed.count - 4)...].reversed().reduce(0) { $0 << 8 | Int($1) }
        var output = [UInt8](repeating: 0, count: max(guess, compressed.count, 1 << 16))
        var produced = 0
        var status: Int32 = Z_OK
        var input = compressed
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            while status == Z_OK {
                // Room is made before each call, so Z_BUF_ERROR (no progress possible) means the input ran out.
                if produced == output.count { output += [UInt8](repeating: 0, count: output.count) }
                let room = min(output.count - produced, Int(UInt32.max))
                status = output.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress! + produced
                    stream.avail_out = UInt32(room)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return result
                }
            }
        }
        switch status {
        case Z_STREAM_END:
            return Array(output[..<produced])
        case Z_BUF_ERROR:
            throw GzipError(problem: "truncated: the compressed stream ends after \(produced) decompressed bytes")
        default:
            let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            throw GzipError(problem: "corrupt compressed data after \(produced) decompressed bytes: \(reason)")
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }
}
