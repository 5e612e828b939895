import StimFormats

/// How to train an SVM student.
public struct SvmOptions: Sendable {
    public enum Scaling: Sendable, Equatable {
        /// Features as given (already normalized windows).
        case none
        /// Standardization fitted on the training data, stored in the model.
        case standardize
    }

    public var kernel: SvmKernel
    /// The penalty C of the soft margin; each example's bound is C × its class weight × its example weight.
    public var c: Double
    /// One per class; empty means 1 for every class.
    public var classWeights: [Double]
    public var multiclass: Svm.Multiclass
    public var scaling: Scaling
    /// Stopping tolerance on the maximal KKT violation (LIBSVM's -e 0.001).
    public var tolerance: Double
    public var shrinking: Bool
    /// Memory cap of the kernel-row cache per binary problem, in bytes (64 MiB by default; a Pi Zero 2 has 512 MB).
    public var cacheBytes: Int
    /// nil: max(10⁷, 100 × examples) per binary problem, as LIBSVM.
    public var maxIterations: Int?
    /// Fit Platt scaling on 5-fold cross-validated decision values (LIBSVM's -b 1).
    public var probability: Bool
    /// Seed of the probability folds' shuffle.
    public var seed: UInt64
    /// Keep at most this many support vectors in the whole model (see SupportVectorBudget).
    public var supportVectorBudget: Int?
    /// A linear kernel's machines stored as weight vectors instead of support vectors.
    public var collapseLinear: Bool

    public init(kernel: SvmKernel = SvmKernel(kind: .rbf, gamma: 1), c: Double = 1, classWeights: [Double] = [],
                multiclass: Svm.Multiclass = .oneVsOne, scaling: Scaling = .none, tolerance: Double = 1e-3,
                shrinking: Bool = true, cacheBytes: Int = 64 << 20, maxIterations: Int? = nil, probability: Bool = false,
                seed: UInt64 = 1, supportVectorBudget: Int? = nil, collapseLinear: Bool = false) {
        self.kernel = kernel
        self.c = c
        self.classWeights = classWeights
        self.multiclass = multiclass
        self.scaling = scaling
        self.tolerance = tolerance
        self.shrinking = shrinking
        self.cacheBytes = cacheBytes
        self.maxIterations = maxIterations
        self.probability = probability
        self.seed = seed
        self.supportVectorBudget = supportVectorBudget
        self.collapseLinear = collapseLinear
    }

    /// The binary solver these options describe.
    var binaryTrainer: SmoTrainer {
        SmoTrainer(kernel: kernel, tolerance: tolerance, shrinking: shrinking, cacheBytes: cacheBytes,
                   maxIterations: maxIterations, collapseLinear: collapseLinear)
    }

    /// Checks every parameter against `classes` classes.
    func validate(classes: Int) throws {
        guard c > 0, c.isFinite else { throw LearnError.parameter("C must be positive and finite, not \(c)") }
        if !classWeights.isEmpty {
            guard classWeights.count == classes else {
                throw LearnError.parameter("\(classWeights.count) class weights for \(classes) classes")
            }
            guard classWeights.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw LearnError.parameter("class weights must be positive and finite: \(classWeights)")
            }
        }
        if let budget = supportVectorBudget, budget < 1 {
            throw LearnError.parameter("the support-vector budget must be at least 1, not \(budget)")
        }
        if collapseLinear, kernel.kind == .linear, supportVectorBudget != nil {
            throw LearnError.parameter("collapsed linear machines keep no support vectors: a support-vector budget does not apply")
        }
        try binaryTrainer.validate()
    }
}
