import Foundation

/// Decodes a belt's byte stream into frames of `channels` samples, in whatever pieces the bytes arrive:
/// CSV lines of `channels` numbers (an empty field or `nan` is an invalid sample; a first line that is not
/// numbers is a header) or raw little-endian int16 frames. A line that cannot be read is reported with its
/// number and skipped, never fatal.
public struct SampleDecoder: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case csv, int16
    }

    /// A CSV line that was skipped, and why.
    public struct Malformed: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public let format: Format
    public let channels: Int
    /// Lines read so far (CSV), counting headers, blank and malformed lines.
    public private(set) var lines = 0
    public private(set) var malformedCount = 0
    /// Bytes of an unfinished line or frame.
    private var partial: [UInt8] = []

    public init(format: Format, channels: Int) throws {
        guard channels >= 1 else { throw RuntimeError.input("a stream needs at least one channel, not \(channels)") }
        self.format = format
        self.channels = channels
    }

    /// Decodes the frames the bytes complete (channel-interleaved) and the lines skipped on the way.
    public mutating func decode(_ bytes: some Collection<UInt8>) -> (frames: [Float], malformed: [Malformed]) {
        var frames: [Float] = []
        var malformed: [Malformed] = []
        switch format {
        case .int16:
            partial.append(contentsOf: bytes)
            let width = 2 * channels
            let whole = partial.count / width * width
            frames.reserveCapacity(whole / 2)
            var i = 0
            while i < whole {
                frames.append(Float(Int16(bitPattern: UInt16(partial[i]) | UInt16(partial[i + 1]) << 8)))
                i += 2
            }
            partial.removeFirst(whole)
        case .csv:
            for byte in bytes {
                if byte == UInt8(ascii: "\n") {
                    line(&frames, &malformed)
                } else {
                    partial.append(byte)
                }
            }
        }
        return (frames, malformed)
    }

    /// The end of the stream: a last line without its newline is read; a partial int16 frame is reported.
    public mutating func finish() -> (frames: [Float], malformed: [Malformed]) {
        var frames: [Float] = []
        var malformed: [Malformed] = []
        guard !partial.isEmpty else { return (frames, malformed) }
        switch format {
        case .csv: line(&frames, &malformed)
        case .int16:
            malformedCount += 1
            malformed.append(Malformed(line: 0, reason: "the stream ended inside a frame (\(partial.count) of "
                + "\(2 * channels) bytes)"))
            partial.removeAll()
        }
        return (frames, malformed)
    }

    private mutating func line(_ frames: inout [Float], _ malformed: inout [Malformed]) {
        lines += 1
        defer { partial.removeAll(keepingCapacity: true) }
        var text = String(decoding: partial, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        guard !text.allSatisfy({ $0 == " " || $0 == "\t" }) else { return }
        let fields = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var values: [Float] = []
        values.reserveCapacity(fields.count)
        var bad: String?
        for field in fields {
            if field.isEmpty || field.lowercased() == "nan" {
                values.append(.nan)
            } else if let v = Float(field), v.isFinite {
                values.append(v)
            } else {
                bad = "'\(field)' is not a number"
                break
            }
        }
        if bad != nil && lines == 1 { return }  // a header
        if bad == nil && values.count != channels {
            bad = "\(values.count) values where \(channels) channels were stated"
        }
        if let bad {
            malformedCount += 1
            malformed.append(Malformed(line: lines, reason: bad))
            return
        }
        frames.append(contentsOf: values)
    }
}
