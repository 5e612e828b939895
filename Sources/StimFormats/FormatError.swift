/// A stim file that cannot be read or written as it is. The description names the file, the byte offset of the
/// offending frame or field (when one applies) and the problem, e.g.
/// `night.stim: at byte 1234: chunk 3: CRC-32C mismatch (stored 0x1a2b3c4d, computed 0x00ff00ff)`.
public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The operating system refused a read or a write (missing file, permissions, a full disk).
        case io
        /// Not a stim file of the expected kind.
        case badMagic
        /// A major version this reader does not know.
        case unsupportedVersion
        /// The file ends before the structure it announces.
        case truncated
        /// A frame length beyond the file or over its type's limit, or an absurd count.
        case tooLarge
        case checksumMismatch
        /// A payload that is not the protobuf message its frame type says.
        case undecodable
        /// Frames out of order, or of an unknown type.
        case unexpectedFrame
        /// A decoded message that breaks a rule of formats/README.md ("Checks a reader makes").
        case invalid
        /// NaN or infinity in samples or labels.
        case nonFinite
        /// Teacher probabilities outside [0, 1] or not summing to 1.
        case labelsNotNormalized
        /// A caller's mistake when writing (wrong array sizes, a header that would not read back).
        case invalidArgument
    }

    public var kind: Kind
    public var file: String
    public var offset: Int?
    public var problem: String

    public init(_ kind: Kind, file: String, offset: Int? = nil, _ problem: String) {
        self.kind = kind
        self.file = file
        self.offset = offset
        self.problem = problem
    }

    public var description: String {
        if let offset { return "\(file): at byte \(offset): \(problem)" }
        return "\(file): \(problem)"
    }
}

func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
