import StimKernels

extension FirmwareModel {
    /// Scores one window of `inputCount` float samples (channel after channel) into int8 class scores
    /// (quantized as `outputQuantization`), working only in `scratch` (4-byte aligned, `scratchBytes` or
    /// more): nothing is allocated. Returns the highest scratch offset it wrote, for checking `scratchBytes`.
    @discardableResult
    public func score(_ window: UnsafeBufferPointer<Float>, scratch: UnsafeMutableRawBufferPointer,
                      into scores: UnsafeMutableBufferPointer<Int8>) throws(FirmwareError) -> Int {
        guard window.count == inputCount else { throw .wrongInputCount }
        guard scores.count == classes else { throw .wrongClassCount }
        guard let base = scratch.baseAddress, let samples = window.baseAddress, let out = scores.baseAddress else {
            throw .nullArgument
        }
        guard Int(bitPattern: base) & 3 == 0 else { throw .misaligned }
        guard scratch.count >= scratchBytes else { throw .scratchTooSmall }
        if let svm {
            let (machineScores, peak) = try svmScores(svm, samples, scratch: base)
            svm.votes(machineScores, into: scores)
            return peak
        }
        // Two pointers rather than an array: scoring allocates nothing.
        let first = (base + kernelScratchBytes).assumingMemoryBound(to: Int8.self)
        let second = first + firstBufferBytes
        do {
            try inputQuantization.quantize(UnsafeBufferPointer(start: samples, count: inputCount),
                                           into: UnsafeMutableBufferPointer(start: first, count: inputCount))
        } catch {
            throw .nonFiniteInput
        }
        var from = 0, peak = kernelScratchBytes + inputCount
        try forEachLayer { layer in
            let to = layer.inPlace ? from : 1 - from
            run(layer, input: UnsafeBufferPointer(start: from == 0 ? first : second, count: layer.inputCount),
                output: UnsafeMutableBufferPointer(start: to == 0 ? first : second, count: layer.outputCount),
                scratch: UnsafeMutableRawBufferPointer(start: base, count: layer.scratchBytes))
            peak = max(peak, kernelScratchBytes + (to == 0 ? 0 : firstBufferBytes) + layer.outputCount)
            from = to
        }
        out.update(from: from == 0 ? first : second, count: classes)
        return peak
    }

    /// The int64 scores of an SVM kind's machines (`machineCount`) for one window, the same bits as the host's
    /// `QuantizedSvm.scores`; their sign is each machine's decision. Checks and scratch as `score`.
    @discardableResult
    public func machineScores(_ window: UnsafeBufferPointer<Float>, scratch: UnsafeMutableRawBufferPointer,
                              into values: UnsafeMutableBufferPointer<Int64>) throws(FirmwareError) -> Int {
        guard let svm else { throw .unsupportedKind }
        guard window.count == inputCount else { throw .wrongInputCount }
        guard values.count == svm.machines else { throw .wrongClassCount }
        guard let base = scratch.baseAddress, let samples = window.baseAddress, let out = values.baseAddress else {
            throw .nullArgument
        }
        guard Int(bitPattern: base) & 3 == 0 else { throw .misaligned }
        guard scratch.count >= scratchBytes else { throw .scratchTooSmall }
        let (machineScores, peak) = try svmScores(svm, samples, scratch: base)
        out.update(from: machineScores, count: svm.machines)
        return peak
    }

    private func svmScores(_ svm: SvmMachines, _ window: UnsafePointer<Float>,
                           scratch: UnsafeMutableRawPointer) throws(FirmwareError) -> (UnsafeMutablePointer<Int64>, Int) {
        for k in 0..<inputCount where !window[k].isFinite { throw .nonFiniteInput }
        return svm.scores(window, scratch: scratch)
    }

    /// The class with the highest score (the first on ties), as `IntegerArgmax`.
    public static func bestClass(_ scores: UnsafeBufferPointer<Int8>) -> Int {
        var best = 0
        withUnsafeMutablePointer(to: &best) {
            IntegerArgmax.optimized(scores, classes: scores.count, into: UnsafeMutableBufferPointer(start: $0, count: 1))
        }
        return best
    }

    private func run(_ layer: Layer, input: UnsafeBufferPointer<Int8>, output: UnsafeMutableBufferPointer<Int8>,
                     scratch: UnsafeMutableRawBufferPointer) {
        switch layer.operation {
        case .dense(let q, let weight, let inputs, let outputs):
            Int8Dense.optimized(input, inputZeroPoint: q.inputZeroPoint, weight: UnsafeBufferPointer(start: weight, count: inputs * outputs),
                                bias: UnsafeBufferPointer(start: q.bias, count: outputs),
                                multipliers: UnsafeBufferPointer(start: q.multipliers, count: outputs), output: q.stage,
                                into: output, batch: 1, inputs: inputs, outputs: outputs)
        case .convolution(let q, let weight, let shape):
            Int8Convolution.optimized(input, inputZeroPoint: q.inputZeroPoint,
                                      packedWeight: UnsafeBufferPointer(start: weight, count: Int8Convolution.packedWeightCount(shape)),
                                      bias: UnsafeBufferPointer(start: q.bias, count: shape.outChannels),
                                      multipliers: UnsafeBufferPointer(start: q.multipliers, count: shape.outChannels),
                                      output: q.stage, into: output, shape: shape, scratch: scratch)
        case .maxPool(let shape):
            IntegerMaxPool.optimized(input, into: output, shape: shape,
                                     scratch: UnsafeMutableBufferPointer(start: scratch.baseAddress?.assumingMemoryBound(to: Int8.self),
                                                                         count: scratch.count))
        case .averagePool(let shape):
            IntegerAveragePool.optimized(input, into: output, shape: shape,
                                         scratch: UnsafeMutableBufferPointer(start: scratch.baseAddress?.assumingMemoryBound(to: Int32.self),
                                                                             count: scratch.count / 4))
        case .globalAveragePool(let positions):
            IntegerAveragePool.globalOptimized(input, into: output, size: positions)
        case .relu(let zeroPoint):
            IntegerReLU.optimized(output, zeroPoint: zeroPoint)
        case .table(let table):
            for i in 0..<output.count { output[i] = table[Int(output[i]) + 128] }
        }
    }
}
