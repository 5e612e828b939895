/// Frame type 2 of a stimuli dataset: a run of stimuli, their soft labels and (optionally) target classes,
/// as stored. `realSamples` and `probabilities` decode them.
public struct StimulusChunk: Sendable, Equatable {
    public var firstIndex: Int
    public var count: Int
    /// count × channels × samples per window, stimulus-major then channel then time.
    public var samples: SampleArray
    /// count × classes teacher probabilities, stimulus-major.
    public var labels: LabelArray
    /// Empty, or the class the generator aimed at for each stimulus.
    public var targetClass: [UInt32]

    public init(firstIndex: Int, count: Int, samples: SampleArray, labels: LabelArray, targetClass: [UInt32] = []) {
        self.firstIndex = firstIndex
        self.count = count
        self.samples = samples
        self.labels = labels
        self.targetClass = targetClass
    }

    /// Sample values as the model sees them: scale[c] × (q − zeroPoint[c]) for the integer encodings.
    public func realSamples(_ encoding: SampleEncoding, samplesPerWindow: Int) -> [Float] {
        func decode<Q: BinaryInteger>(_ q: [Q]) -> [Float] {
            var out = [Float](repeating: 0, count: q.count)
            let channels = encoding.scale.count
            for i in 0..<q.count {
                let c = (i / samplesPerWindow) % channels
                out[i] = encoding.scale[c] * Float(Int32(q[i]) - encoding.zeroPoint[c])
            }
            return out
        }
        switch samples {
        case .float32(let v): return v
        case .int16(let v): return decode(v)
        case .int8(let v): return decode(v)
        }
    }

    /// Teacher probabilities, count × classes.
    public func probabilities() -> [Float] {
        switch labels {
        case .float32(let v): return v
        case .uint16(let v): return v.map { Float($0) / 65535 }
        case .uint8(let v): return v.map { Float($0) / 255 }
        }
    }
}

/// Stored samples of one chunk, in the dataset's sample encoding.
public enum SampleArray: Sendable, Equatable {
    case float32([Float])
    case int16([Int16])
    case int8([Int8])

    public var count: Int {
        switch self {
        case .float32(let v): return v.count
        case .int16(let v): return v.count
        case .int8(let v): return v.count
        }
    }

    /// Quantizes real values per `encoding` (round to nearest, saturate at the type's range).
    public init(encoding: SampleEncoding, values: [Float], samplesPerWindow: Int) {
        func quantize<Q: FixedWidthInteger & SignedInteger>(_: Q.Type) -> [Q] {
            let channels = encoding.scale.count
            let lo = Float(Q.min), hi = Float(Q.max)
            var out = [Q](repeating: 0, count: values.count)
            for i in 0..<values.count {
                let c = (i / samplesPerWindow) % channels
                let q = (values[i] / encoding.scale[c]).rounded(.toNearestOrAwayFromZero) + Float(encoding.zeroPoint[c])
                out[i] = Q(min(max(q, lo), hi))
            }
            return out
        }
        switch encoding.kind {
        case .float32: self = .float32(values)
        case .int16: self = .int16(quantize(Int16.self))
        case .int8: self = .int8(quantize(Int8.self))
        }
    }

    var kind: SampleEncoding.Kind {
        switch self {
        case .float32: return .float32
        case .int16: return .int16
        case .int8: return .int8
        }
    }
}

/// Stored teacher probabilities of one chunk, in the dataset's label encoding.
public enum LabelArray: Sendable, Equatable {
    case float32([Float])
    case uint16([UInt16])
    case uint8([UInt8])

    public var count: Int {
        switch self {
        case .float32(let v): return v.count
        case .uint16(let v): return v.count
        case .uint8(let v): return v.count
        }
    }

    /// Encodes probabilities (round to nearest; values are checked to lie in [0, 1] before).
    public init(encoding: LabelEncoding, probabilities: [Float]) {
        switch encoding {
        case .float32: self = .float32(probabilities)
        case .uint16: self = .uint16(probabilities.map { UInt16(($0 * 65535).rounded()) })
        case .uint8: self = .uint8(probabilities.map { UInt8(($0 * 255).rounded()) })
        }
    }

    var encoding: LabelEncoding {
        switch self {
        case .float32: return .float32
        case .uint16: return .uint16
        case .uint8: return .uint8
        }
    }
}
