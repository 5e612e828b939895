/// How a student is trained: the network settings and the SVM settings; each kind reads its own.
public struct StudentTrainingOptions: Sendable {
    /// Networks: Adam with a cosine-annealed rate (to 5% of `learningRate`), early stopping on the validation
    /// loss after `patience` epochs without a better one (nil: never).
    public var epochs = 30
    public var batchSize = 64
    public var learningRate: Float = 1e-3
    public var patience: Int? = 8
    /// Distillation temperature of the soft labels (`TrainingData.tempered`); 1 trains on them as they are.
    public var temperature: Float = 1
    /// Quantize a network to int8 (calibrated on the training examples) for the integer path.
    public var int8 = false
    /// Whether the student classifies windows clamped to the largest magnitude of its training examples (`stim train`
    /// writes that bound into the model's clip); nil: what its kind does by default (`clamps(_:)`).
    public var clampInputs: Bool?
    /// Threads each batch is spread over; a model is reproducible for a given seed and thread count.
    public var threads = 1
    public var seed: UInt64 = 0

    /// SVMs: the soft margin's C, and the RBF gamma (nil: 'scale', 1 / (features × variance)).
    public var c: Double = 1
    public var gamma: Float?
    /// Choose C (and gamma for RBF) by grouped cross-validation over `searchC` × `searchGammaFactors` × base gamma.
    public var search: SvmSearch?
    public var supportVectorBudget: Int?
    public var probability = false
    /// Weigh each example's C by how sure its soft label is.
    public var confidenceWeights = false
    public var cacheBytes = 64 << 20

    public init() {}

    /// Whether `seed` can change what `kind` learns: networks (initialization, shuffling) and linear SVMs (coordinate
    /// order) always; an RBF SVM only through Platt scaling's folds or a support-vector budget, as its solver (SMO)
    /// takes no random choices.
    public func seedMatters(for kind: StudentKind) -> Bool {
        kind != .svmRbf || probability || supportVectorBudget != nil
    }

    /// Whether a student of `kind` is clamped to its training range: `clampInputs`, else the kind's default.
    public func clamps(_ kind: StudentKind) -> Bool { clampInputs ?? kind.clampsToTrainingRange }

    /// The grid a search tries: C over four decades; gamma from a quarter to four times the base gamma.
    public static let searchC: [Double] = [0.1, 1, 10, 100]
    public static let searchGammaFactors: [Float] = [0.25, 0.5, 1, 2, 4]
}

/// A grouped cross-validation for choosing an SVM's C and gamma.
public struct SvmSearch: Sendable {
    public var folds: Int
    /// One group per training example (a record, a chunk); a group stays whole in one fold.
    public var groups: [String]

    public init(folds: Int = 5, groups: [String]) {
        self.folds = folds
        self.groups = groups
    }
}
