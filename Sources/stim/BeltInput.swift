import Foundation

/// The daemon's input: stdin, a FIFO, or a file that may still be growing. It hands out bytes as they come and
/// says when nothing came (so the daemon can watch the clock). A followed file is read like `tail -f`: when it
/// shrinks (truncated) it is read again from its start, and when its path names a new file (rotated) the new
/// one is opened; either way `notice` says so.
final class BeltInput {
    enum Event {
        case data([UInt8])
        /// Nothing to read for now.
        case idle
        /// The stream ended.
        case end
    }

    let path: String
    let follow: Bool
    /// A pipe, FIFO or device delivers samples as they are taken; a regular file holds a backlog first.
    let isStream: Bool
    /// A followed file has been read to its end at least once: what comes next is live.
    private(set) var reachedEnd = false
    private var fd: Int32
    private var offset: off_t = 0
    private var inode: ino_t = 0
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private let notice: (String) -> Void

    init(path: String, follow: Bool, notice: @escaping (String) -> Void) throws {
        self.path = path
        self.follow = follow
        self.notice = notice
        if path == "-" {
            fd = STDIN_FILENO
            var st = stat()
            isStream = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG
            return
        }
        var st = stat()
        guard stat(path, &st) == 0 else { throw CommandError("\(path): \(String(cString: strerror(errno)))") }
        // A FIFO, a serial device or a socket: anything but a regular file delivers samples as they are taken.
        isStream = (st.st_mode & S_IFMT) != S_IFREG
        // A followed FIFO is opened for writing too, so that writers may come and go without an end of stream.
        fd = open(path, follow && (st.st_mode & S_IFMT) == S_IFIFO ? O_RDWR : O_RDONLY)
        guard fd >= 0 else { throw CommandError("\(path): \(String(cString: strerror(errno)))") }
        inode = st.st_ino
    }

    deinit {
        if fd != STDIN_FILENO { close(fd) }
    }

    /// The next bytes, or `.idle` after waiting up to `timeout` seconds with none, or `.end`.
    func next(timeout: Double) -> Event {
        if isStream || path == "-" {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(timeout * 1000))
            if ready <= 0 { return .idle }  // timeout, or a signal (the caller checks for a stop)
        }
        let n = read(fd, &buffer, buffer.count)
        if n > 0 {
            offset += off_t(n)
            return .data(Array(buffer[0..<n]))
        }
        if n < 0 && errno == EINTR { return .idle }
        if n < 0 { notice("\(path): \(String(cString: strerror(errno))): the input ends here") }
        guard follow, !isStream, n == 0, path != "-" else { return .end }
        reachedEnd = true
        checkReplaced()
        var none = pollfd(fd: -1, events: 0, revents: 0)
        _ = poll(&none, 0, Int32(timeout * 1000))
        return .idle
    }

    /// A followed file that shrank is read again from its start; a path that now names another file is reopened.
    private func checkReplaced() {
        var st = stat()
        if stat(path, &st) == 0, st.st_ino != inode {
            let replacement = open(path, O_RDONLY)
            guard replacement >= 0 else { return }
            close(fd)
            fd = replacement
            inode = st.st_ino
            offset = 0
            notice("\(path) was replaced (rotated): reading the new file from its start")
            return
        }
        var own = stat()
        if fstat(fd, &own) == 0, own.st_size < offset {
            lseek(fd, 0, SEEK_SET)
            offset = 0
            notice("\(path) was truncated: reading it again from its start")
        }
    }
}
