import StimLearn

/// How many bytes training a student adds to the process at its peak, from the dataset's size and the model.
///
/// It counts what `stim train` and `StudentTrainer` hold at once (float32 values are 4 bytes, indices and
/// doubles 8):
/// * the dataset: every example loaded, plus the training and validation subsets copied from it;
/// * a network: its parameters five times (values, gradients, Adam's two moments, the best epoch's snapshot),
///   and `Sequential.workingSetCount` for a training batch, with the batch's inputs and targets;
/// * an SVM: the examples twice more (their standardized copy and the binary problem's; `SvmExamples` shares the
///   training data's storage), for RBF once more (the kernel rows), the solver's per-example state, and for RBF
///   the kernel row cache plus, when a support-vector budget re-solves afterwards, K(B, x) in doubles and its
///   float32 transform z. The cache is freed before the re-solve, but its rows are small allocations that the
///   allocator keeps resident, so the two add up.
///
/// Arrays grow by doubling while the dataset loads and freed buffers return to the system or not by their size,
/// so measured growth differs from this count; the tests hold it within a factor of 2 either way.
public struct TrainingMemory: Sendable, Equatable, Encodable {
    /// The examples as loaded and as split.
    public var dataset: Int
    /// Parameters and optimizer state (networks) or the SVM's copies of the examples and solver state.
    public var model: Int
    /// A network's activations, gradients and batch; an SVM's kernel cache or budget re-solve.
    public var working: Int

    public var total: Int { dataset + model + working }

    /// The sizes that decide the estimate.
    public struct Shape: Sendable {
        public var examples: Int
        public var exampleShape: [Int]
        public var classes: Int
        /// Share of the examples held out for validation (0: none, and no copy).
        public var validationFraction: Double

        public init(examples: Int, exampleShape: [Int], classes: Int, validationFraction: Double) {
            self.examples = examples
            self.exampleShape = exampleShape
            self.classes = classes
            self.validationFraction = validationFraction
        }

        var features: Int { exampleShape.reduce(1, *) }
        /// As `TrainingData.splitIndices` splits: the held-out share rounded, at least one.
        var trainingExamples: Int {
            validationFraction > 0 && examples > 1 ? examples - min(max(Int((Double(examples) * validationFraction).rounded()), 1), examples - 1) : examples
        }
    }

    /// The estimate for a network of `architecture` trained in batches of `batchSize`.
    public static func network(_ architecture: StudentArchitecture, shape: Shape, batchSize: Int) throws -> TrainingMemory {
        let network = try Sequential(inputShape: shape.exampleShape, layers: architecture.layers(classes: shape.classes))
        let batch = min(batchSize, max(shape.trainingExamples, 1))
        let batchBuffers = batch * (shape.features + 2 * shape.classes)
        return TrainingMemory(dataset: dataset(shape), model: 4 * 5 * network.parameterCount,
                              working: 4 * (network.workingSetCount(batch: batch, training: true) + batchBuffers)
                                  + 8 * shape.trainingExamples)
    }

    /// The estimate for an SVM: `cacheBytes` of kernel rows (RBF), and a re-solve for at most `supportVectorBudget`
    /// support vectors (RBF).
    public static func svm(rbf: Bool, shape: Shape, cacheBytes: Int, supportVectorBudget: Int?) -> TrainingMemory {
        let n = shape.trainingExamples, values = 4 * n * shape.features
        // Standardized, the binary problem, and for RBF the solver's rows; labels, bounds and solver state.
        let model = (rbf ? 3 : 2) * values + 48 * n
        guard rbf else { return TrainingMemory(dataset: dataset(shape), model: model, working: 0) }
        // The cache never holds more than the whole kernel matrix, and always two rows.
        let cache = max(min(cacheBytes, 4 * n * n), 8 * n)
        let budget = supportVectorBudget.map { budgetResolveBytes(supportVectors: $0, examples: n) } ?? 0
        return TrainingMemory(dataset: dataset(shape), model: model, working: cache + budget)
    }

    /// K(B, x) as doubles, z = L⁻¹K(B, x) twice in float32 (its own and the linear problem's copy), and the
    /// Gram matrix with its Cholesky factor.
    static func budgetResolveBytes(supportVectors m: Int, examples n: Int) -> Int {
        m * n * (8 + 4 + 4) + 2 * 8 * m * m
    }

    /// All examples (samples, class probabilities, chunk index), and the training and validation copies.
    private static func dataset(_ shape: Shape) -> Int {
        let loaded = shape.examples * (4 * (shape.features + shape.classes) + 8)
        return shape.validationFraction > 0 ? 2 * loaded : loaded
    }
}
