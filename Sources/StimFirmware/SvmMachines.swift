import StimKernels

/// The SVM body of a model buffer (kinds `linearSvm` and `rbfSvm`, devices/README.md), checked once, read in place.
/// Scoring takes the same steps as `QuantizedSvm` in StimLearn (`Int16Svm.quantizeFeatures`, then the `Int16Svm`
/// sums), so the int64 machine scores are the same bits.
struct SvmMachines {
    enum Form {
        case linear(weights: UnsafePointer<Int16>)
        case rbf(supportVectors: UnsafePointer<Int16>, coefficients: UnsafePointer<Int16>, count: Int, gamma: QuantizedMultiplier)
    }

    let dimension: Int
    let machines: Int
    let multiclass: FirmwareFormat.Multiclass
    /// f32 [dimension] each (4-byte aligned in the buffer); the steps are one per feature (linear) or one shared (RBF).
    let offset: UnsafePointer<Float>
    let scale: UnsafePointer<Float>
    let steps: UnsafePointer<Float>
    /// i64 [machines], only 4-byte aligned in the buffer: copied into scratch before use.
    let bias: UnsafeRawPointer
    let form: Form

    /// Largest class count: one-vs-one votes (at most classes − 1) are int8 scores.
    static let maxClasses = 127
    /// Support vectors whose Q0.31 kernel values times int16 coefficients still sum exactly in int64 (`Int16Svm`).
    static let maxSupportVectors = 1 << 17

    /// Reads the body at the reader's offset: u32 dimension, machines, multiclass; RBF: u32 support vectors,
    /// i32 gamma multiplier and shift; f32 offset [dimension], scale [dimension], steps [dimension or 1];
    /// i64 bias [machines]; int16 weights [machines, dimension] or support vectors [count, dimension] then
    /// coefficients [machines, count], each array padded to 4 bytes.
    static func decode(_ reader: inout ByteReader, kind: FirmwareFormat.Kind, inputCount: Int,
                       classes: Int) throws(FirmwareError) -> SvmMachines {
        let dimension = try reader.dimension(), machines = try reader.dimension()
        guard let multiclass = FirmwareFormat.Multiclass(rawValue: try reader.word()) else { throw .badShape }
        guard dimension == inputCount, classes <= maxClasses else { throw .badShape }
        let expected = classes == 2 ? 1 : (multiclass == .oneVsOne ? classes * (classes - 1) / 2 : classes)
        guard machines == expected, classes > 2 || multiclass == .oneVsOne else { throw .badShape }
        var count = 0, gamma = QuantizedMultiplier(multiplier: 0, shift: 0)
        if kind == .rbfSvm {
            count = try reader.dimension()
            guard count <= maxSupportVectors else { throw .badShape }
            gamma = QuantizedMultiplier(multiplier: try reader.int32(), shift: try reader.int32())
            // The shifts `FixedPoint.multiplyByQuantizedMultiplier` accepts; a positive multiplier.
            guard gamma.multiplier > 0, gamma.shift >= -31, gamma.shift <= 30 else { throw .badQuantization }
        }
        let offset = try reader.array(bytes: try product(dimension, 4))
        let scale = try reader.array(bytes: try product(dimension, 4))
        let stepCount = kind == .rbfSvm ? 1 : dimension
        let steps = try reader.array(bytes: try product(stepCount, 4))
        let offsets = offset.assumingMemoryBound(to: Float.self), scales = scale.assumingMemoryBound(to: Float.self)
        let featureSteps = steps.assumingMemoryBound(to: Float.self)
        for k in 0..<dimension {
            guard offsets[k].isFinite, scales[k].isFinite else { throw .badQuantization }
        }
        for k in 0..<stepCount {
            guard featureSteps[k].isFinite, featureSteps[k] > 0 else { throw .badQuantization }
        }
        let bias = try reader.array(bytes: try product(machines, 8))
        let form: Form
        if kind == .rbfSvm {
            let vectors = try reader.array(bytes: try product(try product(count, dimension), 2))
            let coefficients = try reader.array(bytes: try product(try product(machines, count), 2))
            form = .rbf(supportVectors: vectors.assumingMemoryBound(to: Int16.self),
                        coefficients: coefficients.assumingMemoryBound(to: Int16.self), count: count, gamma: gamma)
        } else {
            form = .linear(weights: try reader.array(bytes: try product(try product(machines, dimension), 2))
                .assumingMemoryBound(to: Int16.self))
        }
        return SvmMachines(dimension: dimension, machines: machines, multiclass: multiclass, offset: offsets, scale: scales,
                           steps: featureSteps, bias: bias, form: form)
    }

    var supportVectorCount: Int {
        if case .rbf(_, _, let count, _) = form { return count }
        return 0
    }

    /// Scratch: up to 4 bytes to reach 8-byte alignment, i64 bias and scores [machines], RBF's Q0.31 kernel
    /// values [support vectors], int16 features [dimension] (rounded up to 4).
    var scratchBytes: Int { 4 + 16 * machines + 4 * supportVectorCount + FirmwareFormat.padded(2 * dimension) }

    /// The int64 machine scores of one window (finite, `dimension` samples) into scratch (4-byte aligned,
    /// `scratchBytes` or more). Returns the scores' place in scratch and the highest scratch offset written.
    func scores(_ window: UnsafePointer<Float>, scratch: UnsafeMutableRawPointer) -> (UnsafeMutablePointer<Int64>, Int) {
        let pad = Int(bitPattern: scratch) & 7 == 0 ? 0 : 4
        let bias = (scratch + pad).bindMemory(to: Int64.self, capacity: 2 * machines)
        let scores = bias + machines
        let kernel = UnsafeMutableRawPointer(scores + machines).bindMemory(to: Int32.self, capacity: supportVectorCount)
        let features = UnsafeMutableRawPointer(kernel + supportVectorCount).bindMemory(to: Int16.self, capacity: dimension)
        for m in 0..<machines { bias[m] = self.bias.loadUnaligned(fromByteOffset: 8 * m, as: Int64.self) }
        Int16Svm.quantizeFeatures(window, offset: offset, scale: scale, steps: steps, sharedStep: supportVectorCount > 0,
                                  into: features, count: dimension)
        let x = UnsafeBufferPointer(start: features, count: dimension)
        let biasBuffer = UnsafeBufferPointer(start: bias, count: machines)
        let scoreBuffer = UnsafeMutableBufferPointer(start: scores, count: machines)
        switch form {
        case .linear(let weights):
            Int16Svm.weightedSumsOptimized(x, weight: UnsafeBufferPointer(start: weights, count: machines * dimension),
                                           bias: biasBuffer, into: scoreBuffer, machines: machines, count: dimension)
        case .rbf(let vectors, let coefficients, let count, let gamma):
            let values = UnsafeMutableBufferPointer(start: kernel, count: count)
            Int16Svm.rbfKernelOptimized(x, supportVectors: UnsafeBufferPointer(start: vectors, count: count * dimension),
                                        multiplier: gamma, into: values, count: count, dimension: dimension)
            Int16Svm.weightedSumsOptimized(UnsafeBufferPointer(values), weight: UnsafeBufferPointer(start: coefficients, count: machines * count),
                                           bias: biasBuffer, into: scoreBuffer, machines: machines, count: count)
        }
        return (scores, UnsafeMutableRawPointer(features + dimension) - scratch)
    }

    /// Class scores from machine scores: one-vs-one votes (ties to the lower class by `bestClass`), or one vote
    /// for the one-vs-rest machine with the highest score (the first on ties).
    func votes(_ scores: UnsafePointer<Int64>, into votes: UnsafeMutableBufferPointer<Int8>) {
        for c in 0..<votes.count { votes[c] = 0 }
        if multiclass == .oneVsRest {
            var best = 0
            for m in 1..<machines where scores[m] > scores[best] { best = m }
            votes[best] = 1
            return
        }
        var m = 0
        for i in 0..<votes.count {
            for j in (i + 1)..<votes.count {
                votes[scores[m] > 0 ? i : j] += 1
                m += 1
            }
        }
    }
}
