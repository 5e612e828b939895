import ArgumentParser
import Foundation
import StimFormats
import StimLearn
import StimRuntime

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a student (network or SVM) on a dataset (stimuli or windows) and write it as a model file.",
        discussion: """
            A network (--model cnn or mlp) learns the dataset's labels as probabilities (a teacher's soft labels, \
            or one-hot for windows). A random --validation share of the examples is held out to keep the best \
            epoch and to stop early; for windows of real recordings, evaluate on other records, not on these. \
            --int8 quantizes the network (calibrated on the training examples) so it runs on the integer path.

            An SVM (--model svm-linear or svm-rbf) learns each example's most probable class; \
            --confidence-weights also weighs each example's C by how sure the teacher was. --search picks C (and \
            gamma for svm-rbf) by --folds-fold cross-validation that keeps each chunk of the dataset whole in one \
            fold: `stim windows` writes each record as its own chunk, so on real windows the folds are \
            record-wise. With fewer chunks than folds (a small stimuli dataset) the folds are contiguous runs of \
            the dataset instead. It then trains on all training examples with the best pair. The model stores \
            the feature scaling.

            --device fits training to a device profile (devices/README.md): it caps the threads at the \
            device's cores, quantizes networks when the device prefers int8, lowers the batch size, the SVM's \
            kernel cache and support-vector budget until the estimated memory fits the profile's budget, and \
            the epochs until one timed epoch says training fits its time budget. What cannot fit is refused \
            before training, saying what to change. The options above are then upper bounds.
            """
    )

    @Argument(help: "Dataset file (.stim).")
    var dataset: String

    @Option(help: "Model file to write (.stimm).")
    var out: String

    @Option(help: "Student: cnn (three 1-D convolutions), mlp (two hidden layers), svm-linear or svm-rbf.")
    var model: StudentKind = .cnn

    @Option(help: "Passes over the training examples.")
    var epochs = 30

    @Option(help: "Examples per step.")
    var batchSize = 64

    @Option(help: "Adam's learning rate (cosine-annealed to 5% of it).")
    var learningRate: Float = 1e-3

    @Option(help: "Distillation temperature of soft labels (networks): each label p becomes p^(1/T), renormalized. 1 trains on them as they are; hard labels stay hard.")
    var temperature: Float = 1

    @Option(help: "Share of examples held out for validation (0 for none).")
    var validation = 0.1

    @Option(help: "Stop after this many epochs without a better validation loss (0: never).")
    var patience = 8

    @Option(help: "Seed of initialization and shuffling: the same seed gives the same model.")
    var seed: UInt64 = 0

    @Option(help: "Threads each batch is spread over (default: every core). A model is reproducible for a given seed and thread count.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Quantize a network to int8 for the integer path.")
    var int8 = false

    @Flag(inversion: .prefixedNo, help: "Clamp the windows the model classifies to the largest magnitude of its training examples (written into the model's clip). Default: for mlp and svm-linear, which extrapolate linearly beyond the range they trained on (stimuli lie within ±1, real windows reach the dataset's clip); not for cnn and svm-rbf, which measured better unclamped on real windows.")
    var clamp: Bool?

    @Option(help: "Fit training to a device: a profile name (pi-zero, pi-zero-2w, pi-3, pi-4, pi-5) or a profile file.")
    var device: String?

    @OptionGroup(title: "SVM students")
    var svm: SvmTrainOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be at least 1") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be positive") }
        guard temperature > 0, temperature.isFinite else { throw ValidationError("--temperature must be positive") }
        guard (0..<0.9).contains(validation) else { throw ValidationError("--validation must be in [0, 0.9)") }
        guard patience >= 0 else { throw ValidationError("--patience must be 0 or more epochs") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if model.isSvm {
            guard !int8 else {
                throw ValidationError("--int8 quantizes networks; an SVM's fixed-point form is made from its float model")
            }
            try svm.validate(kind: model)
        }
    }

    func run() throws {
        let reader = try DatasetReader(path: dataset)
        // Planned before the examples load, so a dataset too large for the device is refused at once.
        let profile = try device.map { try DeviceProfile.find($0, in: DeviceProfileFolders.all) }
        var plan = try profile.map { try devicePlan($0, reader: reader) }
        let (all, chunks, header) = try Self.load(reader)
        var training = all, trainingChunks = chunks, held: TrainingData?
        if validation > 0 && all.count >= 10 {
            let (kept, validated) = all.splitIndices(validationFraction: validation, seed: seed)
            (training, trainingChunks, held) = (all.subset(kept), kept.map { chunks[$0] }, all.subset(validated))
        }
        if let profile {
            try plan?.fitEpochs(model, on: training, validationExamples: held?.count ?? 0, profile: profile, seed: seed)
        }
        var options = StudentTrainingOptions()
        options.epochs = plan?.epochs ?? epochs
        options.batchSize = plan?.batchSize ?? batchSize
        options.learningRate = learningRate
        options.patience = patience > 0 ? patience : nil
        options.temperature = temperature
        options.int8 = plan?.int8 ?? int8
        options.threads = plan?.threads ?? threads
        options.seed = seed
        options.clampInputs = clamp
        var foldsKeep: String?
        if model.isSvm {
            svm.apply(to: &options)
            if let plan {
                options.cacheBytes = plan.cacheBytes
                options.supportVectorBudget = plan.supportVectorBudget
            }
            if svm.search {
                // Chunks as the groups (one record each, as `stim windows` writes them); with fewer chunks than
                // folds, contiguous runs of the dataset, so that neighbouring windows rarely straddle a split.
                let byChunk = Set(trainingChunks).count >= svm.folds
                let groups = byChunk ? trainingChunks.map { "chunk \($0)" }
                    : (0..<training.count).map { "run \($0 * svm.folds / training.count)" }
                foldsKeep = byChunk ? "chunks" : "runs"
                options.search = SvmSearch(folds: svm.folds, groups: groups)
            }
        }
        Output.status("training \(model.rawValue) on \(training.count) examples" + (held.map { ", validating on \($0.count)" } ?? ""))
        let clock = ContinuousClock(), start = clock.now
        let line = ProgressLine(enabled: !json)
        let student = try StudentTrainer(options: options).train(model, on: training, validation: held) { step in
            switch step {
            case .epoch(let report): line.show(epochProgress(report))
            case .search(let done, let total): line.show("search: \(done)/\(total) cells")
            }
        }
        line.finish()
        let seconds = (clock.now - start) / .seconds(1)
        // Where it clamps, the student classifies windows within the range of what it trained on.
        let input = options.clamps(model) ? header.input.clamped(to: training.inputBound) : header.input
        let written = StudentModel(task: header.task, classNames: header.classNames, input: input,
                                   producer: "stim \(Stim.configuration.version)", body: student.body)
        try ModelFile.write(written, to: out)
        let fitted = plan.map { DeviceTrainingReport(plan: $0, peakResidentBytes: ProcessMemory.peakResidentBytes()) }
        if model.isSvm {
            var report = SvmTrainReport(student, model: out, examples: training.count, validationExamples: held?.count ?? 0,
                                        parameters: written.parameterCount, seconds: seconds, searchFolds: foldsKeep)
            report.device = fitted
            if json { try Output.json(report) } else { report.print() }
        } else {
            let report = TrainReport(
                model: out, examples: training.count, validationExamples: held?.count ?? 0, epochs: student.epochs,
                bestEpoch: student.bestEpoch + 1, stoppedEarly: student.stoppedEarly, trainingLoss: student.trainingLoss ?? .nan,
                validationLoss: student.validationLoss, validationAccuracy: student.validationAccuracy,
                parameters: written.parameterCount, int8: options.int8, device: fitted)
            if json { try Output.json(report) } else { report.print() }
        }
        if !json { fitted?.print() }
    }

    /// The device plan for this command's settings on `reader`'s dataset, before its examples are loaded.
    private func devicePlan(_ profile: DeviceProfile, reader: DatasetReader) throws -> TrainingPlan {
        var request = TrainingPlan.Request()
        request.epochs = epochs
        request.batchSize = batchSize
        request.threads = threads
        request.int8 = int8
        request.cacheBytes = svm.cacheMb << 20
        request.supportVectorBudget = svm.budget
        let examples = reader.stimulusCount
        let shape = TrainingMemory.Shape(examples: examples,
                                         exampleShape: [reader.header.input.channels.count, reader.header.input.samplesPerWindow],
                                         classes: reader.header.classNames.count,
                                         validationFraction: examples >= 10 ? validation : 0)
        return try TrainingPlan(profile: profile, kind: model, shape: shape, request: request,
                                availableCores: UsableCores.count(),
                                baselineBytes: ProcessMemory.residentBytes())
    }

    /// Every example of a dataset, with its labels as probabilities, and the chunk each lies in.
    static func load(_ reader: DatasetReader) throws -> (TrainingData, chunks: [Int], DatasetHeader) {
        let header = reader.header
        let shape = [header.input.channels.count, header.input.samplesPerWindow]
        let (inputs, targets, chunks) = try reader.allWindows()
        let all = try TrainingData(exampleShape: shape, classes: header.classNames.count, inputs: inputs, targets: targets)
        return (all, chunks, header)
    }
}

extension StudentKind: ExpressibleByArgument {}

struct TrainReport: Encodable {
    var model: String
    var examples: Int
    var validationExamples: Int
    var epochs: Int
    var bestEpoch: Int
    var stoppedEarly: Bool
    var trainingLoss: Float
    var validationLoss: Float?
    var validationAccuracy: Double?
    var parameters: Int
    var int8: Bool
    var device: DeviceTrainingReport?

    enum CodingKeys: String, CodingKey {
        case model, examples, epochs, parameters, int8, device
        case validationExamples = "validation_examples", bestEpoch = "best_epoch", stoppedEarly = "stopped_early"
        case trainingLoss = "training_loss", validationLoss = "validation_loss", validationAccuracy = "validation_accuracy"
    }

    func print() {
        var rows = [("model", "\(model) (\(int8 ? "int8, integer path" : "float32"))"), ("parameters", "\(parameters)"),
                    ("epochs", "\(epochs)" + (stoppedEarly ? " (stopped early)" : "")), ("best epoch", "\(bestEpoch)"),
                    ("training loss", String(format: "%.4f", trainingLoss))]
        if let validationLoss, let validationAccuracy {
            rows.append(("validation", String(format: "loss %.4f, accuracy %.3f", validationLoss, validationAccuracy)))
        }
        Output.table(rows)
    }
}

/// The progress line of one epoch: epoch, loss, validation, time left.
func epochProgress(_ report: EpochReport) -> String {
    var line = "epoch \(report.epoch + 1)/\(report.epochs)  loss \(String(format: "%.4f", report.trainingLoss))"
    if let loss = report.validationLoss, let accuracy = report.validationAccuracy {
        line += String(format: "  validation loss %.4f accuracy %.3f", loss, accuracy) + (report.isBest ? " *" : "")
    }
    let seconds = Int(report.remaining.components.seconds)
    return line + "  left " + (seconds >= 3600 ? String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String(format: "%d:%02d", seconds / 60, seconds % 60))
}
