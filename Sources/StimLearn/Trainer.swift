import StimKernels

/// Which optimizer a training run uses, with its settings.
public enum OptimizerChoice: Equatable, Sendable {
    case adam(learningRate: Float = 1e-3, weightDecay: Float = 0)
    case sgd(learningRate: Float = 0.01, momentum: Float = 0.9, weightDecay: Float = 0)

    func make(for parameters: [Parameter], threads: Int) -> any Optimizer {
        switch self {
        case .adam(let rate, let decay):
            let adam = Adam(parameters: parameters, learningRate: rate, weightDecay: decay)
            adam.threads = threads
            return adam
        case .sgd(let rate, let momentum, let decay):
            return SGD(parameters: parameters, learningRate: rate, momentum: momentum, weightDecay: decay)
        }
    }

    var learningRate: Float {
        switch self {
        case .adam(let rate, _), .sgd(let rate, _, _): return rate
        }
    }
}

public struct TrainingOptions: Equatable, Sendable {
    public var epochs = 30
    public var batchSize = 64
    public var optimizer = OptimizerChoice.adam()
    public var schedule = LearningRateSchedule.constant
    /// Global gradient-norm limit; nil for none.
    public var clipNorm: Float?
    /// Stop after this many epochs without a lower validation loss, keeping the best epoch's weights;
    /// nil trains every epoch (and still keeps the best weights when there is a validation set).
    public var patience: Int?
    /// One weight per class for the loss; nil weighs classes equally.
    public var classWeights: [Float]?
    /// Fixes the shuffling order: the same seed, data, network and thread count give the same weights.
    public var seed: UInt64 = 0
    /// Threads each batch (`Sequential.threads`) and the Adam update (`Adam.threads`) are spread over.
    public var threads = 1

    public init() {}
}

/// What one epoch did, handed to the progress callback as soon as the epoch ends.
public struct EpochReport: Equatable, Sendable {
    public var epoch: Int
    public var epochs: Int
    public var trainingLoss: Float
    public var validationLoss: Float?
    public var validationAccuracy: Double?
    public var learningRate: Float
    public var elapsed: Duration
    /// Time left at the mean epoch time so far, for all remaining epochs (early stopping may end sooner).
    public var remaining: Duration
    /// The lowest validation loss so far (its weights are kept).
    public var isBest: Bool
}

public struct TrainingResult: Equatable, Sendable {
    public var history: [EpochReport]
    /// 0-based epoch whose weights the network holds at the end.
    public var bestEpoch: Int
    public var stoppedEarly: Bool
}

/// Mini-batch training of a classifier with softmax cross-entropy against the data's target distributions.
public struct Trainer {
    public var options: TrainingOptions

    public init(options: TrainingOptions = TrainingOptions()) {
        self.options = options
    }

    public func train(_ network: Sequential, on data: TrainingData, validation: TrainingData? = nil,
                      progress: ((EpochReport) -> Void)? = nil) throws -> TrainingResult {
        try check(network, data, validation)
        network.threads = max(1, options.threads)
        let clock = ContinuousClock()
        let start = clock.now
        let optimizer = options.optimizer.make(for: network.parameters, threads: network.threads)
        var generator = Xoshiro256StarStar(seed: options.seed)
        var order = Array(0..<data.count)
        let (size, classes, batchSize) = (data.exampleSize, data.classes, max(1, min(options.batchSize, data.count)))
        var batchInputs = [Float](repeating: 0, count: batchSize * size)
        var batchTargets = [Float](repeating: 0, count: batchSize * classes)
        var logitGradient = [Float](repeating: 0, count: batchSize * classes)
        var history: [EpochReport] = []
        var best: (loss: Float, epoch: Int, weights: [[Float]])?
        var stoppedEarly = false

        for epoch in 0..<options.epochs {
            optimizer.learningRate = options.schedule.rate(base: options.optimizer.learningRate, epoch: epoch,
                                                           epochs: options.epochs)
            shuffle(&order, using: &generator)
            var lossSum: Double = 0
            var first = 0
            while first < data.count {
                let batch = min(batchSize, data.count - first)
                for (slot, example) in order[first..<(first + batch)].enumerated() {
                    for j in 0..<size { batchInputs[slot * size + j] = data.inputs[example * size + j] }
                    for k in 0..<classes { batchTargets[slot * classes + k] = data.targets[example * classes + k] }
                }
                let loss = batchInputs.withUnsafeBufferPointer { inputs in
                    batchTargets.withUnsafeBufferPointer { targets in
                        logitGradient.withUnsafeMutableBufferPointer { gradient in
                            let logits = network.forward(inputs.slice(0, batch * size), batch: batch, training: true)
                            let loss = Loss.crossEntropy(
                                logits: logits, targets: targets.slice(0, batch * classes), classes: classes,
                                classWeights: options.classWeights, gradient: gradient.slice(0, batch * classes))
                            network.backward(gradient.slice(0, batch * classes).readOnly, batch: batch)
                            return loss
                        }
                    }
                }
                guard loss.isFinite else {
                    throw LearnError.diverged("loss \(loss) in epoch \(epoch + 1) at example \(first); lower the learning rate")
                }
                if let clipNorm = options.clipNorm { clipGradients(network.parameters, maxNorm: clipNorm) }
                optimizer.step()
                lossSum += Double(loss) * Double(batch)
                first += batch
            }

            var report = EpochReport(
                epoch: epoch, epochs: options.epochs, trainingLoss: Float(lossSum / Double(data.count)),
                validationLoss: nil, validationAccuracy: nil, learningRate: optimizer.learningRate,
                elapsed: .zero, remaining: .zero, isBest: false)
            if let validation {
                let (loss, accuracy) = evaluate(network, on: validation)
                report.validationLoss = loss
                report.validationAccuracy = accuracy
                if best == nil || loss < best!.loss {
                    best = (loss, epoch, network.snapshot())
                    report.isBest = true
                }
            }
            report.elapsed = clock.now - start
            report.remaining = report.elapsed / (epoch + 1) * (options.epochs - epoch - 1)
            history.append(report)
            progress?(report)
            if let patience = options.patience, let best, epoch - best.epoch >= patience {
                stoppedEarly = epoch + 1 < options.epochs
                break
            }
        }
        if let best { network.restore(best.weights) }
        return TrainingResult(history: history, bestEpoch: best?.epoch ?? history.count - 1, stoppedEarly: stoppedEarly)
    }

    /// Mean loss (with the class weights) and accuracy of the network's argmax on `data`.
    public func evaluate(_ network: Sequential, on data: TrainingData) -> (loss: Float, accuracy: Double) {
        let logits = network.predict(data.inputs)
        let loss = logits.withUnsafeBufferPointer { l in
            data.targets.withUnsafeBufferPointer { t in
                Loss.crossEntropy(logits: l, targets: t, classes: data.classes, classWeights: options.classWeights)
            }
        }
        let matrix = ConfusionMatrix(truth: data.labels, predicted: argmaxRows(logits, classes: data.classes),
                                     classes: data.classes)
        return (loss, matrix.accuracy)
    }

    private func check(_ network: Sequential, _ data: TrainingData, _ validation: TrainingData?) throws {
        for set in [data] + (validation.map { [$0] } ?? []) {
            guard set.exampleShape.reduce(1, *) == network.inputCount else {
                throw LearnError.data("examples of shape \(set.exampleShape) do not fit the network's input \(network.inputShape)")
            }
            guard network.outputCount == set.classes else {
                throw LearnError.data("the network has \(network.outputCount) outputs for \(set.classes) classes")
            }
        }
        guard options.epochs > 0, options.batchSize > 0 else {
            throw LearnError.data("epochs and batch size must be positive")
        }
        if let weights = options.classWeights, weights.count != data.classes || weights.contains(where: { !($0 >= 0) }) {
            throw LearnError.data("need \(data.classes) non-negative class weights, got \(weights)")
        }
    }
}
