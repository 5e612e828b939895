import Foundation

/// The CLI's output: JSON for machines (stable, sorted keys), aligned text for people, messages on stderr.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Rows of "label  value", the labels padded to one column.
    static func table(_ rows: [(String, String)]) {
        let width = rows.map(\.0.count).max() ?? 0
        for (label, value) in rows {
            print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
    }

    /// A progress or status line for people; stderr keeps stdout clean for pipes and --json.
    static func status(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func bytes(_ n: Int) -> String {
        if n < 1000 { return "\(n) B" }
        if n < 1_000_000 { return String(format: "%.1f kB", Double(n) / 1e3) }
        return String(format: "%.1f MB", Double(n) / 1e6)
    }
}

/// One stderr line rewritten in place to show progress, on a terminal only: silent in pipes, logs and tests,
/// where a summary follows anyway.
final class ProgressLine {
    let enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    func show(_ text: String) {
        if enabled { FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8)) }
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
