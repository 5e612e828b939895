import StimFormats

/// What a student training run reports as it goes.
public enum StudentTrainingProgress: Sendable {
    case epoch(EpochReport)
    /// Grid-search cells done, of all.
    case search(done: Int, of: Int)
}

/// A trained student: the model body to save, and what training found.
public struct TrainedStudent: Sendable {
    public var body: StudentModel.Body
    public var kind: StudentKind
    /// Networks: the epochs run, the best one (0-based), and its losses.
    public var epochs = 0
    public var bestEpoch = 0
    public var stoppedEarly = false
    public var trainingLoss: Float?
    public var validationLoss: Float?
    /// Accuracy on the validation examples, if any were given.
    public var validationAccuracy: Double?
    /// SVMs: the C and gamma used, support vectors, whether it gives probabilities, and the search's cells.
    public var c: Double?
    public var gamma: Float?
    public var supportVectors = 0
    public var hasProbabilities = false
    public var search: SvmGridSearch.Result?
}

/// Trains any student kind on examples with (soft) labels: the one place the CLI, the exporter's report and
/// the device runtime go through, so each kind is trained the same way everywhere.
public struct StudentTrainer: Sendable {
    public var options: StudentTrainingOptions

    public init(options: StudentTrainingOptions = StudentTrainingOptions()) {
        self.options = options
    }

    public func train(_ kind: StudentKind, on training: TrainingData, validation: TrainingData? = nil,
                      progress: ((StudentTrainingProgress) -> Void)? = nil) throws -> TrainedStudent {
        if let architecture = kind.architecture {
            return try trainNetwork(architecture, kind: kind, on: training, validation: validation, progress: progress)
        }
        return try trainSvm(kind, on: training, validation: validation, progress: progress)
    }

    private func trainNetwork(_ architecture: StudentArchitecture, kind: StudentKind, on training: TrainingData,
                              validation: TrainingData?, progress: ((StudentTrainingProgress) -> Void)?) throws -> TrainedStudent {
        let network = try Sequential(inputShape: training.exampleShape, layers: architecture.layers(classes: training.classes),
                                     seed: options.seed)
        var settings = TrainingOptions()
        settings.epochs = options.epochs
        settings.batchSize = options.batchSize
        settings.optimizer = .adam(learningRate: options.learningRate)
        settings.schedule = .cosine(floor: 0.05)
        settings.patience = validation != nil ? options.patience : nil
        settings.seed = options.seed
        settings.threads = options.threads
        let result = try Trainer(options: settings).train(network, on: training.tempered(options.temperature),
                                                          validation: validation?.tempered(options.temperature),
                                                          progress: progress.map { report in { report(.epoch($0)) } })
        let body = options.int8 ? try Quantizer.quantize(network, calibration: training.inputs) : try network.neuralNet()
        let best = result.history[result.bestEpoch]
        var student = TrainedStudent(body: .net(body), kind: kind)
        student.epochs = result.history.count
        student.bestEpoch = result.bestEpoch
        student.stoppedEarly = result.stoppedEarly
        student.trainingLoss = best.trainingLoss
        student.validationLoss = best.validationLoss
        student.validationAccuracy = best.validationAccuracy
        if options.int8, let validation {
            student.validationAccuracy = try Student(body: .net(body), inputShape: training.exampleShape,
                                                     classes: training.classes).accuracy(on: validation)
        }
        return student
    }

    private func trainSvm(_ kind: StudentKind, on training: TrainingData, validation: TrainingData?,
                          progress: ((StudentTrainingProgress) -> Void)?) throws -> TrainedStudent {
        let examples = try SvmExamples(training, confidenceWeighted: options.confidenceWeights)
        let rbf = kind == .svmRbf
        let baseGamma = rbf ? options.gamma ?? SvmKernel.scaleGamma(features: examples.values, featureCount: examples.features) : 0
        var svmOptions = SvmOptions(kernel: SvmKernel(kind: rbf ? .rbf : .linear, gamma: baseGamma), c: options.c,
                                    cacheBytes: options.cacheBytes, probability: options.probability, seed: options.seed,
                                    supportVectorBudget: rbf ? options.supportVectorBudget : nil)
        // Linear machines by dual coordinate descent (LIBLINEAR's -s 1): weights, no support vectors; at most
        // 300 passes, LIBLINEAR 2.50's limit (raw windows are far from separable, and more passes barely help).
        if !rbf { svmOptions.linearSolver = LinearSvmSolver(maxIterations: 300, seed: options.seed) }
        var search: SvmGridSearch.Result?
        if let plan = options.search {
            let gammas = rbf ? StudentTrainingOptions.searchGammaFactors.map { $0 * baseGamma } : [svmOptions.kernel.gamma]
            let grid = SvmGridSearch(cValues: StudentTrainingOptions.searchC, gammaValues: gammas, folds: plan.folds,
                                     options: svmOptions)
            let result = try grid.run(examples, groups: plan.groups, progress: progress.map { report in
                { report(.search(done: $0, of: $1)) }
            })
            svmOptions.c = result.best.c
            svmOptions.kernel.gamma = result.best.gamma
            search = result
        }
        let classifier = try SvmTrainer(options: svmOptions).train(examples)
        var student = TrainedStudent(body: .svm(classifier.svm), kind: kind)
        student.c = svmOptions.c
        student.gamma = rbf ? svmOptions.kernel.gamma : nil
        student.supportVectors = classifier.supportVectorCount
        student.hasProbabilities = classifier.hasProbabilities
        student.search = search
        if let validation {
            let truth = validation.labels
            student.validationAccuracy = ConfusionMatrix(truth: truth, predicted: try classifier.predict(validation.inputs),
                                                         classes: validation.classes).accuracy
        }
        return student
    }
}
