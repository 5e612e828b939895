import StimFirmware
import StimFormats
import StimKernels

extension SvmClassifier {
    /// The integer form of this SVM: linear machines, or RBF machines with each machine's coefficients spread
    /// over all support vectors (zero where a one-vs-one pair does not use a vector). `calibration` (raw feature
    /// rows) sets the feature range: required for linear machines, added to the support vectors' range for RBF.
    /// Other kernels are `LearnError.unsupported`.
    public func quantized(calibration: [Float]) throws -> QuantizedSvm {
        let offset = scaling.isIdentity ? nil : scaling.offset, scale = scaling.isIdentity ? nil : scaling.scale
        switch machines {
        case .linear(let weight):
            return try QuantizedSvm(linearWeights: weight, bias: bias, dimension: features, offset: offset, scale: scale,
                                    calibration: calibration)
        case let .kernel(supportVectors, coefficients, supportPerClass):
            guard kernel.kind == .rbf else {
                throw LearnError.unsupported("the integer SVM path runs linear and RBF machines, not a \(kernel.kind) kernel")
            }
            return try QuantizedSvm(rbfSupportVectors: supportVectors,
                                    coefficients: machineCoefficients(coefficients, supportPerClass: supportPerClass),
                                    bias: bias, gamma: kernel.gamma, dimension: features, offset: offset, scale: scale,
                                    calibration: calibration)
        }
    }

    /// [machines × support vectors] from the stored coefficient rows: one-vs-one pair (i, j) reads row j − 1 for
    /// class i's vectors and row i for class j's (LIBSVM's layout), zero for the others; one-vs-rest row m.
    func machineCoefficients(_ coefficients: [Float], supportPerClass: [Int]) -> [Float] {
        let count = supportPerClass.reduce(0, +)
        guard multiclass == .oneVsOne else { return coefficients }
        let classOf = supportPerClass.enumerated().flatMap { [Int](repeating: $0.offset, count: $0.element) }
        var result = [Float](repeating: 0, count: machineCount * count)
        for (m, (i, j)) in pairs.enumerated() {
            for s in 0..<count where classOf[s] == i || classOf[s] == j {
                let row = classOf[s] == i ? j - 1 : i
                result[m * count + s] = coefficients[row * count + s]
            }
        }
        return result
    }

    /// The model buffer (`FirmwareFormat`, devices/README.md) of this SVM quantized with `calibration`
    /// (`quantized(calibration:)`), for windows of `inputChannels` channels: what firmware scores through the C API,
    /// the same int64 machine scores as the returned `QuantizedSvm`.
    public func firmwareBuffer(inputChannels: Int, calibration: [Float]) throws -> (buffer: [UInt8], quantized: QuantizedSvm) {
        let limit = FirmwareFormat.maxDimension
        guard inputChannels >= 1, features % inputChannels == 0, features <= limit, classes <= 127 else {
            throw LearnError.unsupported("\(features) features in \(inputChannels) channels, \(classes) classes: "
                                         + "not a firmware SVM (at most \(limit) features, 127 classes)")
        }
        let q = try quantized(calibration: calibration)
        var buffer = FirmwareBufferWriter()
        let m = FirmwareFormat.magic
        buffer.array([m.0, m.1, m.2, m.3])
        let kind: FirmwareFormat.Kind
        if case .rbf = q.form { kind = .rbfSvm } else { kind = .linearSvm }
        buffer.word(UInt32(FirmwareFormat.version) | UInt32(kind.rawValue) << 16)
        buffer.word(0)
        buffer.count(inputChannels)
        buffer.count(features / inputChannels)
        buffer.count(classes)
        // Input and output quantization: unused by SVMs (int16 features per feature; votes as class scores).
        buffer.float(1)
        buffer.int32(0)
        buffer.float(1)
        buffer.int32(0)
        buffer.count(0)
        buffer.count(features)
        buffer.count(q.machines)
        buffer.word((multiclass == .oneVsRest ? FirmwareFormat.Multiclass.oneVsRest : .oneVsOne).rawValue)
        switch q.form {
        case .linear(let weights):
            buffer.floats(q.offset)
            buffer.floats(q.scale)
            buffer.floats(q.featureSteps)
            buffer.array(q.bias)
            buffer.array(weights)
        case let .rbf(vectors, coefficients, multiplier, count):
            buffer.count(count)
            buffer.int32(multiplier.multiplier)
            buffer.int32(multiplier.shift)
            buffer.floats(q.offset)
            buffer.floats(q.scale)
            buffer.floats([q.featureSteps[0]])
            buffer.array(q.bias)
            buffer.array(vectors)
            buffer.array(coefficients)
        }
        buffer.finish(totalAt: 8)
        return (buffer.bytes, q)
    }
}
