/// The flat model buffer that firmware scores from (specified in devices/README.md, "The model buffer"):
/// little-endian, every field a 4-byte word or an array padded to 4 bytes, so a 4-byte aligned buffer can be
/// read in place from flash. Header, layer records, then a CRC-32C of everything before it.
public enum FirmwareFormat {
    /// "STMF".
    public static let magic: (UInt8, UInt8, UInt8, UInt8) = (0x53, 0x54, 0x4D, 0x46)
    public static let version: UInt16 = 1
    public static let headerBytes = 44
    public static let checksumBytes = 4
    /// Bytes of a layer record before its operation's fields: operation, record bytes, input and output counts.
    public static let layerHeaderBytes = 16
    /// Largest size of any one dimension, so every product of a few of them fits a 32-bit Int.
    public static let maxDimension = 65_535
    /// Largest element count of any buffer, activation or weight array.
    public static let maxElements = 1 << 24

    /// What the buffer scores with (the header's kind tag). SVM kinds have no layer records: one SVM body
    /// (`SvmMachines`) follows the header.
    public enum Kind: UInt16 {
        case neuralNetwork = 1
        /// int16 weights per machine over int16 features, int64 sums (`Int16Svm.weightedSums`).
        case linearSvm = 2
        /// int16 support vectors and dual coefficients, integer exp (`Int16Svm.rbfKernel`).
        case rbfSvm = 3
    }

    /// How an SVM body's machines become a class (the body's multiclass word).
    public enum Multiclass: UInt32 {
        /// One machine per class pair (0,1), (0,2), …, (1,2), …; each votes for the first class of its pair when
        /// its score is positive; ties go to the lower class. Two classes always have this single machine.
        case oneVsOne = 0
        /// One machine per class; the highest score wins (the lower class on ties).
        case oneVsRest = 1
    }

    /// The operation of a layer record.
    public enum Operation: UInt32 {
        /// Fields: input zero point, output zero point, clamp lower, clamp upper, inputs, outputs; then
        /// int8 weight [outputs, inputs], int32 bias [outputs], (int32 multiplier, int32 shift) [outputs].
        case dense = 1
        /// Fields: the four quantization words as dense, then in/out channels, groups, input height and width,
        /// kernel height and width, strides, paddings and dilations (height then width); then the int16 weights
        /// in `Int8Convolution.packWeights` order, bias and multipliers as dense.
        case convolution = 2
        /// Fields: channels, input height and width, kernel height and width, strides, paddings.
        case maxPool = 3
        case averagePool = 4
        /// Fields: channels, positions per channel.
        case globalAveragePool = 5
        /// Fields: the zero point the values are clamped at, in place.
        case relu = 6
        /// Fields: 256 int8 outputs, indexed by input + 128, in place.
        case table = 7
    }

    /// Padding up to a multiple of 4 bytes.
    @inline(__always)
    public static func padded(_ bytes: Int) -> Int { (bytes + 3) & ~3 }
}
