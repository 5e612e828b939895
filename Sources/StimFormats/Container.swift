/// The container around the protobuf messages (formats/README.md, "Byte layout"):
/// `preamble frame+ trailer`, all fixed-size fields little-endian.
enum Container {
    static let datasetMagic: [UInt8] = [0x89, 0x53, 0x54, 0x49, 0x4D, 0x44, 0x0D, 0x0A]  // \x89STIMD\r\n
    static let modelMagic: [UInt8] = [0x89, 0x53, 0x54, 0x49, 0x4D, 0x4D, 0x0D, 0x0A]    // \x89STIMM\r\n
    static let endMagic: [UInt8] = Array("STIMEND\n".utf8)
    static let major: UInt16 = 1
    static let minor: UInt16 = 0
    static let preambleSize = 12
    static let frameHeadSize = 5
    static let frameTailSize = 4
    static let trailerSize = 16

    static let maxChannelSamples = 1 << 24
    static let maxClasses = 65_536
    static let maxChunkStimuli = 1 << 20

    enum FrameType: UInt8 {
        case header = 1
        case chunk = 2
        case footer = 3
        case model = 16

        var limit: Int {
            switch self {
            case .header: return 1 << 20
            case .chunk, .footer: return 64 << 20
            case .model: return 256 << 20
            }
        }

        var name: String {
            switch self {
            case .header: return "header"
            case .chunk: return "chunk"
            case .footer: return "footer"
            case .model: return "model"
            }
        }
    }

    static func preamble(magic: [UInt8]) -> [UInt8] {
        var bytes = magic
        appendLE(&bytes, major)
        appendLE(&bytes, minor)
        return bytes
    }

    static func trailer(lastFrameOffset: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        appendLE(&bytes, UInt64(lastFrameOffset))
        return bytes + endMagic
    }

    /// Checks a preamble; returns the minor version.
    static func checkPreamble(_ bytes: [UInt8], magic: [UInt8], file: String) throws(FormatError) -> UInt16 {
        guard bytes.count == preambleSize else {
            throw FormatError(.truncated, file: file, offset: 0, "file too short for the 12-byte preamble (\(bytes.count) bytes)")
        }
        guard Array(bytes[0..<8]) == magic else {
            let other = magic == datasetMagic ? modelMagic : datasetMagic
            let what = magic == datasetMagic ? "stimuli dataset" : "student model"
            if Array(bytes[0..<8]) == other {
                throw FormatError(.badMagic, file: file, offset: 0,
                                  "not a \(what): this is a stim \(magic == datasetMagic ? "model" : "dataset") file")
            }
            throw FormatError(.badMagic, file: file, offset: 0, "not a stim \(what) (wrong magic bytes)")
        }
        let fileMajor = readLE(bytes, at: 8, as: UInt16.self)
        guard fileMajor == major else {
            throw FormatError(.unsupportedVersion, file: file, offset: 8,
                              "format major version \(fileMajor) is not supported (this reader knows version \(major))")
        }
        return readLE(bytes, at: 10, as: UInt16.self)
    }

    static func appendLE<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) }
    }

    static func readLE<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: T.Type) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(truncatingIfNeeded: bytes[offset + i]) << (8 * i) }
        return value
    }
}
