/// The blocks of `common.proto`: everything a consumer needs to turn a live signal into model input.
public struct InputSpec: Sendable, Equatable {
    public var channels: [Channel]
    /// Samples of each channel in one window.
    public var samplesPerWindow: Int
    public var normalization: Normalization
    /// 60 for per-minute apnea labels.
    public var windowSeconds: Double

    public init(channels: [Channel], samplesPerWindow: Int, normalization: Normalization = Normalization(),
                windowSeconds: Double = 60) {
        self.channels = channels
        self.samplesPerWindow = samplesPerWindow
        self.normalization = normalization
        self.windowSeconds = windowSeconds
    }

    /// Values in one window: channels × samples per window.
    public var valuesPerWindow: Int { channels.count * samplesPerWindow }

    /// This spec with normalized values clamped to ±`bound` too (when that is tighter than its clip): a student
    /// trained on examples within ±`bound` (stimuli of a tanh generator lie in (−1, 1)) would otherwise meet real
    /// windows beyond anything it learned from.
    public func clamped(to bound: Float) -> InputSpec {
        guard bound > 0, bound.isFinite, normalization.clip <= 0 || bound < normalization.clip else { return self }
        var spec = self
        spec.normalization.clip = bound
        return spec
    }
}

/// One input channel of a window, as recorded.
public struct Channel: Sendable, Equatable {
    public var name: String
    /// Physical unit before normalization, e.g. "mV" or "%".
    public var unit: String
    public var samplingRate: Double

    public init(name: String, unit: String, samplingRate: Double) {
        self.name = name
        self.unit = unit
        self.samplingRate = samplingRate
    }
}

/// The normalization the teacher saw; the runtime applies exactly this to live signals.
public struct Normalization: Sendable, Equatable {
    public enum Method: Int32, Sendable, CaseIterable {
        /// Physical units as they are.
        case none = 0
        /// Causal: (x − mean) / max(std, epsilon) over the window and the `historyMinutes` before it.
        case runningZScore = 1
        /// Mean and standard deviation of the whole recording: exporter-side analysis only.
        case recordZScore = 2
        /// (x − offset[c]) × scale[c].
        case fixedAffine = 3
    }

    public var method: Method
    public var historyMinutes: Int
    /// Floor of the standard deviation, in physical units.
    public var epsilon: Float
    public var offset: [Float]
    public var scale: [Float]
    /// When > 0, normalized values are clamped to [−clip, clip].
    public var clip: Float

    public init(method: Method = .none, historyMinutes: Int = 0, epsilon: Float = 0, offset: [Float] = [],
                scale: [Float] = [], clip: Float = 0) {
        self.method = method
        self.historyMinutes = historyMinutes
        self.epsilon = epsilon
        self.offset = offset
        self.scale = scale
        self.clip = clip
    }
}

/// How samples are stored: real = scale[c] × (q − zeroPoint[c]) for the integer types.
public struct SampleEncoding: Sendable, Equatable {
    public enum Kind: Int32, Sendable, CaseIterable {
        case float32 = 0
        case int16 = 1
        case int8 = 2

        public var byteWidth: Int { self == .float32 ? 4 : self == .int16 ? 2 : 1 }
    }

    public var kind: Kind
    /// One per channel (integer kinds).
    public var scale: [Float]
    /// One per channel (integer kinds).
    public var zeroPoint: [Int32]

    public init(kind: Kind = .float32, scale: [Float] = [], zeroPoint: [Int32] = []) {
        self.kind = kind
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// Symmetric integer encoding of `channels` channels whose values stay within ±`range`.
    public static func symmetric(_ kind: Kind, channels: Int, range: Float) -> SampleEncoding {
        let qmax: Float = kind == .int16 ? 32767 : 127
        return SampleEncoding(kind: kind, scale: Array(repeating: range / qmax, count: channels),
                              zeroPoint: Array(repeating: 0, count: channels))
    }
}
