#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written under `PATH.partial` and renamed to `PATH` only when complete, so a crash, a kill or a full disk
/// never leaves a half-written file under the real name (and never destroys an older complete one).
public final class FileOutput {
    public let path: String
    private let partialPath: String
    private var fd: Int32
    public private(set) var offset = 0
    private var buffer: [UInt8] = []
    private static let bufferLimit = 1 << 20

    public init(path: String) throws(FormatError) {
        self.path = path
        partialPath = path + ".partial"
        fd = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FormatError(.io, file: path, "cannot create \(partialPath): \(systemError())") }
        buffer.reserveCapacity(Self.bufferLimit)
    }

    deinit { abandon() }

    public func write(_ bytes: [UInt8]) throws(FormatError) {
        buffer.append(contentsOf: bytes)
        offset += bytes.count
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    private func flush() throws(FormatError) {
        var done = 0
        var failure: Int32 = 0
        buffer.withUnsafeBytes { raw in
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
        if failure != 0 {
            let message = systemError(failure)
            abandon()
            throw FormatError(.io, file: path, "write failed (\(message)); nothing was written under this name")
        }
    }

    /// Flushes, syncs and renames the partial file to its real name.
    public func commit() throws(FormatError) {
        try flush()
        if fsync(fd) != 0 && errno != EINVAL {
            let message = systemError()
            abandon()
            throw FormatError(.io, file: path, "sync failed (\(message)); nothing was written under this name")
        }
        close(fd)
        fd = -1
        guard rename(partialPath, path) == 0 else {
            let message = systemError()
            unlink(partialPath)
            throw FormatError(.io, file: path, "cannot rename \(partialPath) to it: \(message)")
        }
    }

    /// Closes and deletes the partial file (after an error, or when a writer is dropped unfinished).
    public func abandon() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(partialPath)
    }
}
