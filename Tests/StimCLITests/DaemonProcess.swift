import Foundation

/// `stim score` running as a child process: the test writes its stdin over time, reads its JSON lines as they
/// come, signals it, and collects its exit status and stderr.
final class DaemonProcess: @unchecked Sendable {
    let process = Process()
    private let input = Pipe(), output = Pipe(), errors = Pipe()
    private let lock = NSLock()
    private var out = Data(), err = Data()
    private let drained = DispatchGroup()

    /// `fileSizeLimit`: the child may write files up to this many KiB (bash's `ulimit -f`), as on a full disk.
    init(_ arguments: [String], fileSizeLimit: Int? = nil) throws {
        if let fileSizeLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "ulimit -f \(fileSizeLimit) && exec \"$0\" \"$@\"", StimBinary.path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: StimBinary.path)
            process.arguments = arguments
        }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        for (pipe, isOut) in [(output, true), (errors, false)] {
            drained.enter()
            DispatchQueue.global().async { [self] in
                while true {
                    let chunk = pipe.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    lock.withLock { if isOut { out.append(chunk) } else { err.append(chunk) } }
                }
                drained.leave()
            }
        }
    }

    func write(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }
    func write(_ data: Data) { input.fileHandleForWriting.write(data) }
    func closeInput() { try? input.fileHandleForWriting.close() }

    /// The JSON lines written so far.
    var lines: [[String: Any]] {
        let text = lock.withLock { String(decoding: out, as: UTF8.self) }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Its stderr so far.
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    /// Waits until `count` minutes were written (or `timeout` seconds passed).
    func waitForMinutes(_ count: Int, timeout: Double) {
        wait(timeout: timeout) { lines.count >= count }
    }

    /// Waits until its stderr contains `text` (or `timeout` seconds passed).
    func waitForStatus(containing text: String, timeout: Double) {
        wait(timeout: timeout) { stderr.contains(text) }
    }

    /// Polls `done` every 20 ms until it holds or `timeout` seconds passed.
    private func wait(timeout: Double, until done: () -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while !done() && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the exit (killing it after `timeout` seconds: status -9); returns its status and its stderr.
    func finish(timeout: Double = 60) -> (status: Int32, stderr: String) {
        wait(timeout: timeout) { !process.isRunning }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            drained.wait()
            return (-9, stderr)
        }
        process.waitUntilExit()
        drained.wait()
        return (process.terminationStatus, stderr)
    }
}

/// A recording's channels as a belt would send them: CSV lines (empty field for an invalid sample) or int16 frames.
enum BeltLines {
    static func csv(_ channels: [[Float]], header: Bool = true) -> [String] {
        let n = channels.map(\.count).min() ?? 0
        return (header ? ["chest,abdomen"] : []) + (0..<n).map { f in
            channels.map { $0[f].isNaN ? "" : "\($0[f])" }.joined(separator: ",")
        }
    }

    static func int16(_ channels: [[Float]]) -> Data {
        let n = channels.map(\.count).min() ?? 0
        var data = Data()
        for f in 0..<n {
            for c in channels {
                let v = UInt16(bitPattern: Int16(c[f]))
                data.append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8)])
            }
        }
        return data
    }
}
