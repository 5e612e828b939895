import StimKernels

/// A checked view of a model buffer (`FirmwareFormat`); it does not own the bytes, which must stay in
/// place while it is used. Checking walks every layer record, so scoring a checked model cannot trap.
public struct FirmwareModel {
    public let kind: FirmwareFormat.Kind
    public let inputChannels: Int
    public let inputSamples: Int
    public let classes: Int
    public let layerCount: Int
    public let inputQuantization: AffineQuantization
    /// Scale and zero point of the int8 class scores.
    public let outputQuantization: AffineQuantization
    /// Bytes of scratch `score` needs: the largest kernel scratch, then two int8 activation buffers that
    /// layers alternate between (the first holds the quantized window).
    public let scratchBytes: Int
    let kernelScratchBytes: Int
    /// The SVM body of the SVM kinds (which have no layer records).
    let svm: SvmMachines?
    let firstBufferBytes: Int
    let buffer: UnsafeRawPointer
    let size: Int

    public var inputCount: Int { inputChannels * inputSamples }

    /// The binary machines of an SVM kind (their int64 scores: `machineScores`); 0 for a network.
    public var machineCount: Int { svm?.machines ?? 0 }

    /// Checks `bytes` (4-byte aligned) as a model buffer; `verifyChecksum: false` skips only the CRC, for
    /// callers that checked it when they loaded the buffer.
    public init(_ bytes: UnsafeRawBufferPointer, verifyChecksum: Bool = true) throws(FirmwareError) {
        guard UInt32(1).littleEndian == 1 else { throw .bigEndianHost }
        guard let base = bytes.baseAddress else { throw .nullArgument }
        guard Int(bitPattern: base) & 3 == 0 else { throw .misaligned }
        var reader = ByteReader(base, end: bytes.count, offset: 0)
        let magic = try reader.word()
        let expected = FirmwareFormat.magic
        guard magic == UInt32(expected.0) | UInt32(expected.1) << 8 | UInt32(expected.2) << 16 | UInt32(expected.3) << 24 else {
            throw .badMagic
        }
        let versionAndKind = try reader.word()
        guard UInt16(truncatingIfNeeded: versionAndKind) == FirmwareFormat.version else { throw .unsupportedVersion }
        guard let kind = FirmwareFormat.Kind(rawValue: UInt16(truncatingIfNeeded: versionAndKind >> 16)) else {
            throw .unsupportedKind
        }
        let total = try reader.word()
        guard total <= UInt32(FirmwareFormat.maxElements), Int(total) <= bytes.count else { throw .truncated }
        let size = Int(total)
        guard size >= FirmwareFormat.headerBytes + FirmwareFormat.checksumBytes, size % 4 == 0 else { throw .truncated }
        let end = size - FirmwareFormat.checksumBytes
        if verifyChecksum {
            let stored = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: end, as: UInt32.self))
            guard CRC32C.bitwise(UnsafeRawBufferPointer(start: base, count: end)) == stored else { throw .checksumMismatch }
        }
        reader = ByteReader(base, end: end, offset: reader.offset)
        let channels = try reader.dimension(), samples = try reader.dimension(), classes = try reader.dimension()
        guard classes >= 2 else { throw .badShape }
        let input = try Self.quantization(&reader), output = try Self.quantization(&reader)
        let layers = try reader.count()
        let inputCount = try product(channels, samples)
        if kind != .neuralNetwork {
            guard layers == 0 else { throw .badShape }
            let machines = try SvmMachines.decode(&reader, kind: kind, inputCount: inputCount, classes: classes)
            guard reader.offset == end else { throw .badShape }
            self.init(kind: kind, channels: channels, samples: samples, classes: classes, layers: 0, input: input, output: output,
                      kernelScratchBytes: 0, firstBufferBytes: 0, scratchBytes: machines.scratchBytes, svm: machines,
                      buffer: base, size: size)
            return
        }
        // Buffer 0 holds the input; each layer that does not work in place writes the other buffer.
        var count = inputCount, sizes = (inputCount, 0), inFirst = true, scratch = 0
        for _ in 0..<layers {
            let layer = try Layer.decode(&reader)
            guard layer.inputCount == count else { throw .badShape }
            count = layer.outputCount
            scratch = max(scratch, layer.scratchBytes)
            if !layer.inPlace {
                inFirst.toggle()
                if inFirst { sizes.0 = max(sizes.0, count) } else { sizes.1 = max(sizes.1, count) }
            }
        }
        guard reader.offset == end else { throw .badShape }
        guard count == classes else { throw .badShape }
        // Scratch first, at the aligned start: the average pool's is int32.
        let kernelScratch = FirmwareFormat.padded(scratch)
        self.init(kind: kind, channels: channels, samples: samples, classes: classes, layers: layers, input: input, output: output,
                  kernelScratchBytes: kernelScratch, firstBufferBytes: sizes.0, scratchBytes: kernelScratch + sizes.0 + sizes.1,
                  svm: nil, buffer: base, size: size)
    }

    private init(kind: FirmwareFormat.Kind, channels: Int, samples: Int, classes: Int, layers: Int, input: AffineQuantization,
                 output: AffineQuantization, kernelScratchBytes: Int, firstBufferBytes: Int, scratchBytes: Int,
                 svm: SvmMachines?, buffer: UnsafeRawPointer, size: Int) {
        self.kind = kind
        inputChannels = channels
        inputSamples = samples
        self.classes = classes
        layerCount = layers
        inputQuantization = input
        outputQuantization = output
        self.kernelScratchBytes = kernelScratchBytes
        self.firstBufferBytes = firstBufferBytes
        self.scratchBytes = scratchBytes
        self.svm = svm
        self.buffer = buffer
        self.size = size
    }

    /// An activation quantization: positive finite scale, int8 zero point.
    static func quantization(_ reader: inout ByteReader) throws(FirmwareError) -> AffineQuantization {
        let scale = try reader.float(), zeroPoint = try reader.zeroPoint()
        guard scale.isFinite, scale > 0 else { throw .badQuantization }
        return AffineQuantization(scale: scale, zeroPoint: zeroPoint)
    }

    /// The layer records in order, each decoded when reached (checked by `init`, so `decode` cannot fail).
    func forEachLayer(_ body: (Layer) -> Void) throws(FirmwareError) {
        var reader = ByteReader(buffer, end: size - FirmwareFormat.checksumBytes, offset: FirmwareFormat.headerBytes)
        for _ in 0..<layerCount { body(try Layer.decode(&reader)) }
    }
}
