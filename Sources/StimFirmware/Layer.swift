import StimKernels

/// One decoded layer record: its geometry, and pointers into the buffer for its parameters. Decoding checks
/// everything a kernel would otherwise trap on, so a decoded layer always runs.
struct Layer {
    /// The int8 output side of a dense or convolution layer.
    struct Requantization {
        var inputZeroPoint: Int32
        var stage: Int8Output
        var bias: UnsafePointer<Int32>
        var multipliers: UnsafePointer<QuantizedMultiplier>
    }

    enum Operation {
        case dense(Requantization, weight: UnsafePointer<Int8>, inputs: Int, outputs: Int)
        case convolution(Requantization, packedWeight: UnsafePointer<Int16>, shape: ConvolutionShape)
        case maxPool(PoolShape)
        case averagePool(PoolShape)
        case globalAveragePool(positions: Int)
        case relu(zeroPoint: Int8)
        case table(UnsafePointer<Int8>)
    }

    var operation: Operation
    var inputCount: Int
    var outputCount: Int
    /// ReLU and tables rewrite their input; every other layer writes the other activation buffer.
    var inPlace: Bool
    var scratchBytes: Int

    /// Reads the record at the reader's offset and moves past it.
    static func decode(_ reader: inout ByteReader) throws(FirmwareError) -> Layer {
        let start = reader.offset
        guard let operation = FirmwareFormat.Operation(rawValue: try reader.word()) else { throw .unknownOperation }
        let recordBytes = try reader.count()
        guard recordBytes % 4 == 0, recordBytes >= FirmwareFormat.layerHeaderBytes else { throw .badShape }
        guard recordBytes <= reader.end - start else { throw .truncated }
        let inputCount = try reader.count(), outputCount = try reader.count()
        guard inputCount >= 1, outputCount >= 1 else { throw .badShape }
        // The record's own fields may not run into the next record.
        var fields = ByteReader(reader.base, end: start + recordBytes, offset: reader.offset)
        let layer: Layer
        switch operation {
        case .dense:
            let head = try Self.requantizationHead(&fields)
            let inputs = try fields.dimension(), outputs = try fields.dimension()
            guard inputs == inputCount, outputs == outputCount else { throw .badShape }
            let weight = try fields.array(bytes: try product(inputs, outputs))
            layer = Layer(operation: .dense(try Self.requantization(head, &fields, channels: outputs), weight: weight.assumingMemoryBound(to: Int8.self),
                                            inputs: inputs, outputs: outputs),
                          inputCount: inputCount, outputCount: outputCount, inPlace: false, scratchBytes: 0)
        case .convolution:
            let head = try Self.requantizationHead(&fields)
            let shape = try convolutionShape(&fields)
            guard try product(product(shape.inChannels, shape.inHeight), shape.inWidth) == inputCount,
                  try product(product(shape.outChannels, shape.outHeight), shape.outWidth) == outputCount else { throw .badShape }
            let patch = try product(product(shape.inChannels / shape.groups, shape.kernelHeight), shape.kernelWidth)
            // Int32 accumulators hold a patch of at most 65,793 taps (Int8Convolution).
            guard patch <= FirmwareFormat.maxDimension else { throw .badShape }
            // Bounds of the kernel's own size formulas, checked first so that they cannot overflow a 32-bit Int:
            // packed weights (groups · ⌈outC / groups / 4⌉ tiles · ⌈patch / 2⌉ pairs · 8) ≤ (outC + 3 · groups) · (patch + 1),
            // columns (⌈patch / 2⌉ pairs · plane rounded up to 4 · 4 bytes) ≤ ⌈patch / 2⌉ · (plane + 3) · 4.
            _ = try product(shape.outChannels + 3 * shape.groups, patch + 1)
            let packed = Int8Convolution.packedWeightCount(shape)
            let plane = try product(shape.outHeight, shape.outWidth) + 3
            _ = try product(product((patch + 1) / 2, plane), 4)
            let weight = try fields.array(bytes: try product(packed, 2))
            layer = Layer(operation: .convolution(try Self.requantization(head, &fields, channels: shape.outChannels),
                                                  packedWeight: weight.assumingMemoryBound(to: Int16.self), shape: shape),
                          inputCount: inputCount, outputCount: outputCount, inPlace: false,
                          scratchBytes: Int8Convolution.packedScratchCount(shape))
        case .maxPool, .averagePool:
            let shape = try poolShape(&fields)
            guard try product(product(shape.channels, shape.inHeight), shape.inWidth) == inputCount,
                  try product(product(shape.channels, shape.outHeight), shape.outWidth) == outputCount else { throw .badShape }
            let rowCount = try product(shape.inHeight, shape.outWidth)
            if operation == .maxPool {
                layer = Layer(operation: .maxPool(shape), inputCount: inputCount, outputCount: outputCount, inPlace: false,
                              scratchBytes: rowCount)
            } else {
                // Int32 window sums (IntegerAveragePool).
                guard try product(shape.kernelHeight, shape.kernelWidth) <= 1 << 16 else { throw .badShape }
                layer = Layer(operation: .averagePool(shape), inputCount: inputCount, outputCount: outputCount, inPlace: false,
                              scratchBytes: try product(rowCount, 4))
            }
        case .globalAveragePool:
            let channels = try fields.dimension(), positions = try fields.dimension()
            guard channels == outputCount, try product(channels, positions) == inputCount else { throw .badShape }
            layer = Layer(operation: .globalAveragePool(positions: positions), inputCount: inputCount, outputCount: outputCount,
                          inPlace: false, scratchBytes: 0)
        case .relu:
            let zeroPoint = try fields.zeroPoint()
            guard inputCount == outputCount else { throw .badShape }
            layer = Layer(operation: .relu(zeroPoint: Int8(truncatingIfNeeded: zeroPoint)), inputCount: inputCount,
                          outputCount: outputCount, inPlace: true, scratchBytes: 0)
        case .table:
            let table = try fields.array(bytes: 256)
            guard inputCount == outputCount else { throw .badShape }
            layer = Layer(operation: .table(table.assumingMemoryBound(to: Int8.self)), inputCount: inputCount,
                          outputCount: outputCount, inPlace: true, scratchBytes: 0)
        }
        guard fields.offset == fields.end else { throw .badShape }
        reader.offset = fields.end
        return layer
    }

    /// The zero points and clamp range that open a dense or convolution record.
    static func requantizationHead(_ fields: inout ByteReader) throws(FirmwareError) -> (inputZeroPoint: Int32, stage: Int8Output) {
        let inputZeroPoint = try fields.zeroPoint(), outputZeroPoint = try fields.zeroPoint()
        let lower = try fields.zeroPoint(), upper = try fields.zeroPoint()
        guard lower <= upper else { throw .badQuantization }
        return (inputZeroPoint, Int8Output(zeroPoint: outputZeroPoint, lower: Int8(truncatingIfNeeded: lower),
                                           upper: Int8(truncatingIfNeeded: upper)))
    }

    /// The bias and multipliers that follow the weights of a dense or convolution record.
    static func requantization(_ head: (inputZeroPoint: Int32, stage: Int8Output), _ fields: inout ByteReader,
                               channels: Int) throws(FirmwareError) -> Requantization {
        let bias = try fields.array(bytes: try product(channels, 4)).assumingMemoryBound(to: Int32.self)
        let raw = try fields.array(bytes: try product(channels, 8))
        for c in 0..<channels {
            // Shifts the fixed-point requantization accepts (QuantizedMultiplier).
            let shift = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * c + 4, as: Int32.self))
            guard shift >= -31, shift <= 30 else { throw .badQuantization }
        }
        return Requantization(inputZeroPoint: head.inputZeroPoint, stage: head.stage, bias: bias,
                              multipliers: raw.assumingMemoryBound(to: QuantizedMultiplier.self))
    }

    static func convolutionShape(_ fields: inout ByteReader) throws(FirmwareError) -> ConvolutionShape {
        let inChannels = try fields.dimension(), outChannels = try fields.dimension(), groups = try fields.dimension()
        let inHeight = try fields.dimension(), inWidth = try fields.dimension()
        let kernelHeight = try fields.dimension(), kernelWidth = try fields.dimension()
        let strideHeight = try fields.dimension(), strideWidth = try fields.dimension()
        let paddingHeight = try fields.padding(), paddingWidth = try fields.padding()
        let dilationHeight = try fields.dimension(), dilationWidth = try fields.dimension()
        // Dilated kernel extents stay within Int on 32-bit targets.
        _ = try product(dilationHeight, kernelHeight)
        _ = try product(dilationWidth, kernelWidth)
        let shape = ConvolutionShape(batch: 1, inChannels: inChannels, outChannels: outChannels, groups: groups,
                                     inHeight: inHeight, inWidth: inWidth, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                                     strideHeight: strideHeight, strideWidth: strideWidth, paddingHeight: paddingHeight,
                                     paddingWidth: paddingWidth, dilationHeight: dilationHeight, dilationWidth: dilationWidth)
        guard shape.isValid else { throw .badShape }
        return shape
    }

    static func poolShape(_ fields: inout ByteReader) throws(FirmwareError) -> PoolShape {
        let channels = try fields.dimension(), inHeight = try fields.dimension(), inWidth = try fields.dimension()
        let kernelHeight = try fields.dimension(), kernelWidth = try fields.dimension()
        let strideHeight = try fields.dimension(), strideWidth = try fields.dimension()
        let paddingHeight = try fields.padding(), paddingWidth = try fields.padding()
        let shape = PoolShape(batch: 1, channels: channels, inHeight: inHeight, inWidth: inWidth, kernelHeight: kernelHeight,
                              kernelWidth: kernelWidth, strideHeight: strideHeight, strideWidth: strideWidth,
                              paddingHeight: paddingHeight, paddingWidth: paddingWidth)
        guard shape.isValid else { throw .badShape }
        return shape
    }
}

/// a · b when it is at most `FirmwareFormat.maxElements`, on 32-bit targets as well.
func product(_ a: Int, _ b: Int) throws(FirmwareError) -> Int {
    let (value, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow, value >= 0, value <= FirmwareFormat.maxElements else { throw .badShape }
    return value
}
