/// Frame type 1 of a stimuli dataset: everything a student needs, and nothing about any person.
public struct DatasetHeader: Sendable, Equatable {
    public var task: String
    /// Label index order.
    public var classNames: [String]
    public var input: InputSpec
    public var sampleEncoding: SampleEncoding
    public var labelEncoding: LabelEncoding
    /// No chunk holds more stimuli than this.
    public var maxChunkStimuli: Int
    public var provenance: Provenance
    public var summary: ReportSummary

    public init(task: String, classNames: [String], input: InputSpec, sampleEncoding: SampleEncoding = SampleEncoding(),
                labelEncoding: LabelEncoding = .float32, maxChunkStimuli: Int = 4096,
                provenance: Provenance = Provenance(), summary: ReportSummary = ReportSummary()) {
        self.task = task
        self.classNames = classNames
        self.input = input
        self.sampleEncoding = sampleEncoding
        self.labelEncoding = labelEncoding
        self.maxChunkStimuli = maxChunkStimuli
        self.provenance = provenance
        self.summary = summary
    }
}

/// How the teacher's soft labels are stored.
public enum LabelEncoding: Int32, Sendable, CaseIterable {
    /// Probabilities as float32.
    case float32 = 0
    /// p = q / 65535.
    case uint16 = 1
    /// p = q / 255.
    case uint8 = 2

    public var byteWidth: Int { self == .float32 ? 4 : self == .uint16 ? 2 : 1 }
    /// Largest stored value of the quantized encodings.
    var qmax: Float { self == .uint16 ? 65535 : 255 }
    /// How far a stimulus's decoded probabilities may sum from 1 (formats/README.md, check 4).
    func sumTolerance(classes: Int) -> Float {
        self == .float32 ? 1e-3 : Float(classes) * 0.5 / qmax + 1e-6
    }
}

/// Where a dataset came from: producer, teacher and the generator and anonymization settings.
public struct Provenance: Sendable, Equatable {
    public var producer: String
    /// SHA-256 of the teacher model file.
    public var teacherDigest: [UInt8]
    public var generator: GeneratorSettings?
    public var anonymization: AnonymizationSettings?
    /// ISO 8601.
    public var createdUTC: String

    public init(producer: String = "", teacherDigest: [UInt8] = [], generator: GeneratorSettings? = nil,
                anonymization: AnonymizationSettings? = nil, createdUTC: String = "") {
        self.producer = producer
        self.teacherDigest = teacherDigest
        self.generator = generator
        self.anonymization = anonymization
        self.createdUTC = createdUTC
    }
}

/// Activation-maximization generator settings (Nikolaidis et al. 2021).
public struct GeneratorSettings: Sendable, Equatable {
    public var noiseDimension: Int
    public var thresholdMin: Float
    public var thresholdMax: Float
    public var maxSteps: Int
    public var learningRate: Float
    public var seed: UInt64
    public var architecture: String

    public init(noiseDimension: Int = 128, thresholdMin: Float = 0.75, thresholdMax: Float = 0.9999, maxSteps: Int = 50,
                learningRate: Float = 1e-3, seed: UInt64 = 0, architecture: String = "") {
        self.noiseDimension = noiseDimension
        self.thresholdMin = thresholdMin
        self.thresholdMax = thresholdMax
        self.maxSteps = maxSteps
        self.learningRate = learningRate
        self.seed = seed
        self.architecture = architecture
    }
}

public struct AnonymizationSettings: Sendable, Equatable {
    public enum Target: Int32, Sendable, CaseIterable {
        case none = 0
        /// p(person).
        case marginal = 1
        /// p(person | class).
        case classConditional = 2
    }

    public var target: Target
    /// Weight of the identity loss against the activation-maximization loss.
    public var weight: Float
    /// A stimulus is accepted only if KL(identity posterior ‖ target) ≤ klBound.
    public var klBound: Float
    /// How many persons the identity network knew (a count, never who).
    public var identities: Int

    public init(target: Target = .none, weight: Float = 0, klBound: Float = 0, identities: Int = 0) {
        self.target = target
        self.weight = weight
        self.klBound = klBound
        self.identities = identities
    }
}

/// How useful and how private the dataset measured, filled by the exporter.
public struct ReportSummary: Sendable, Equatable {
    public var teacherAccuracy: Double = 0
    public var studentAccuracy: Double = 0
    public var studentRealAccuracy: Double = 0
    public var reidentificationTop1: Double = 0
    public var reidentificationChance: Double = 0
    public var closestRecordRatio: Double = 0
    public var membershipAUC: Double = 0
    public var evaluation: String = ""
    public var metrics: [Metric] = []

    public init() {}
}

/// A named figure, for what the typed fields of `ReportSummary` do not cover.
public struct Metric: Sendable, Equatable {
    public var name: String
    public var value: Double
    public var detail: String

    public init(name: String, value: Double, detail: String = "") {
        self.name = name
        self.value = value
        self.detail = detail
    }
}
