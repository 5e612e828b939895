/// Why a model buffer or a scoring call was refused; the raw value is the C API's return code.
public enum FirmwareError: Int32, Error, Sendable {
    case nullArgument = 1
    case misaligned = 2
    case truncated = 3
    case badMagic = 4
    case unsupportedVersion = 5
    case unsupportedKind = 6
    case checksumMismatch = 7
    case unknownOperation = 8
    case badShape = 9
    case badQuantization = 10
    case scratchTooSmall = 11
    case wrongInputCount = 12
    case nonFiniteInput = 13
    case wrongClassCount = 14
    case bigEndianHost = 15

    /// A NUL-terminated sentence for `stim_error_string`.
    public var message: StaticString {
        switch self {
        case .nullArgument: "a required pointer is NULL"
        case .misaligned: "the model buffer or the scratch is not 4-byte aligned"
        case .truncated: "the model buffer is truncated, or a record runs past its end"
        case .badMagic: "not a stim model buffer (magic is not STMF)"
        case .unsupportedVersion: "the model buffer's format version is not supported"
        case .unsupportedKind: "the model kind is not supported by this build"
        case .checksumMismatch: "the model buffer's checksum does not match (corrupt)"
        case .unknownOperation: "a layer record has an unknown operation"
        case .badShape: "a layer's or the SVM's shapes are invalid or do not chain"
        case .badQuantization: "a zero point, clamp range or shift is out of range"
        case .scratchTooSmall: "the scratch is smaller than the model needs"
        case .wrongInputCount: "the window does not have the model's input count"
        case .nonFiniteInput: "the window holds NaN or an infinity"
        case .wrongClassCount: "the scores buffer does not have the model's class count"
        case .bigEndianHost: "model buffers are little-endian; this host is big-endian"
        }
    }
}
