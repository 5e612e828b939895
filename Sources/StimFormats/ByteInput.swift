#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a reader's bytes come from: a file (regular, or a pipe read front to back) or memory.
/// Readers ask for `count` bytes at `offset` and always check `count` against a limit first, so no allocation
/// is sized by an unchecked length.
class ByteInput {
    let name: String
    /// Total size, when it is known in advance (regular files, memory); nil for pipes and terminals.
    let size: Int?

    init(name: String, size: Int?) {
        self.name = name
        self.size = size
    }

    /// Up to `count` bytes at `offset`; fewer only at the end of the input.
    func read(at offset: Int, count: Int) throws(FormatError) -> [UInt8] { [] }
}

final class MemoryInput: ByteInput {
    private let bytes: [UInt8]

    init(_ bytes: [UInt8], name: String) {
        self.bytes = bytes
        super.init(name: name, size: bytes.count)
    }

    override func read(at offset: Int, count: Int) throws(FormatError) -> [UInt8] {
        guard offset < bytes.count, count > 0 else { return [] }
        return Array(bytes[offset..<min(bytes.count, offset + count)])
    }
}

final class FileInput: ByteInput {
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// Next offset of a non-seekable input, which can only be read front to back.
    private var position = 0

    init(path: String) throws(FormatError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FormatError(.io, file: path, "cannot open: \(systemError())") }
        self.fd = fd
        ownsDescriptor = true
        super.init(name: path, size: Self.regularFileSize(fd))
    }

    /// An already open descriptor (stdin, a pipe); not closed by this object.
    init(fileDescriptor: Int32, name: String) {
        fd = fileDescriptor
        ownsDescriptor = false
        super.init(name: name, size: Self.regularFileSize(fileDescriptor))
    }

    deinit { if ownsDescriptor { close(fd) } }

    private static func regularFileSize(_ fd: Int32) -> Int? {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    override func read(at offset: Int, count: Int) throws(FormatError) -> [UInt8] {
        guard count > 0 else { return [] }
        if size == nil, offset != position {
            throw FormatError(.io, file: name, offset: offset, "this input is a stream: it can only be read front to back")
        }
        var done = 0
        var failure: Int32 = 0
        // Uninitialized: the bytes are read straight into the array, with no zero-filling first.
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            while done < count {
                let n = size == nil
                    ? Glibc.read(fd, buffer.baseAddress! + done, count - done)
                    : pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                done += n
            }
            initialized = done
        }
        if failure != 0 { throw FormatError(.io, file: name, offset: offset + done, "read failed: \(systemError(failure))") }
        position = offset + done
        return out
    }
}

func systemError(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
