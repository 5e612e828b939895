import ArgumentParser
import Foundation
import StimFormats
import StimLearn

/// `stim train`'s options for SVM students.
struct SvmTrainOptions: ParsableArguments {
    @Option(name: .customLong("c"), help: "The soft margin's penalty C (--search chooses it instead).")
    var c: Double = 1

    @Option(help: "RBF gamma: a number, or 'scale' for 1 / (features × variance of the training values).")
    var gamma: GammaChoice = .scale

    @Flag(help: "Choose C (and gamma for svm-rbf) by cross-validation over a grid, then train with the best.")
    var search = false

    @Option(help: "Folds of --search's cross-validation.")
    var folds = 5

    @Option(help: "Keep at most this many support vectors (svm-rbf), so the model fits a device.")
    var budget: Int?

    @Flag(help: "Fit Platt scaling on cross-validated decision values, so the model gives probabilities.")
    var probability = false

    @Flag(help: "Weigh each example's C by how sure the teacher was of its label (soft labels).")
    var confidenceWeights = false

    @Option(help: "Memory for cached kernel rows, in MB (a Pi Zero 2 has 512 MB in all).")
    var cacheMb = 64

    /// The grid --search tries: C over four decades; gamma from a quarter to four times the base gamma.
    static let searchC: [Double] = [0.1, 1, 10, 100]
    static let searchGammaFactors: [Float] = [0.25, 0.5, 1, 2, 4]

    func validate(kind: StudentKind) throws {
        guard c > 0, c.isFinite else { throw ValidationError("--c must be a positive number") }
        if case .value(let g) = gamma, !(g > 0 && g.isFinite) {
            throw ValidationError("--gamma must be 'scale' or a positive number")
        }
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        if let budget {
            guard budget >= 1 else { throw ValidationError("--budget must be at least 1 support vector") }
            guard kind == .svmRbf else { throw ValidationError("--budget applies to svm-rbf (svm-linear keeps weights)") }
        }
        guard cacheMb >= 1 else { throw ValidationError("--cache-mb must be at least 1") }
    }
}

/// RBF gamma as given on the command line.
enum GammaChoice: ExpressibleByArgument, Equatable {
    case scale
    case value(Float)

    init?(argument: String) {
        if argument == "scale" {
            self = .scale
        } else if let value = Float(argument) {
            self = .value(value)
        } else {
            return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .list(["scale"]) }
}

extension TrainCommand {
    func trainSvm(_ training: TrainingData, chunks: [Int], validation held: TrainingData?, header: DatasetHeader) throws {
        let examples = try SvmExamples(training, confidenceWeighted: svm.confidenceWeights)
        let rbf = model == .svmRbf
        var baseGamma: Float = 0
        switch svm.gamma {
        case .scale where rbf: baseGamma = SvmKernel.scaleGamma(features: examples.values, featureCount: examples.features)
        case .value(let g) where rbf: baseGamma = g
        default: break
        }
        var options = SvmOptions(kernel: SvmKernel(kind: rbf ? .rbf : .linear, gamma: baseGamma), c: svm.c,
                                 cacheBytes: svm.cacheMb << 20, probability: svm.probability, seed: seed,
                                 supportVectorBudget: svm.budget)
        // Linear machines by dual coordinate descent (LIBLINEAR's -s 1): weights, no support vectors; at most
        // 300 passes, LIBLINEAR 2.50's limit (raw windows are far from separable, and more passes barely help).
        if !rbf { options.linearSolver = LinearSvmSolver(maxIterations: 300, seed: seed) }
        let clock = ContinuousClock(), start = clock.now
        var search: SvmGridSearch.Result?
        var foldsKeep: String?
        if svm.search {
            let gammas = rbf ? SvmTrainOptions.searchGammaFactors.map { $0 * baseGamma } : [options.kernel.gamma]
            let grid = SvmGridSearch(cValues: SvmTrainOptions.searchC, gammaValues: gammas, folds: svm.folds,
                                     options: options)
            // Chunks as the groups (one record each, as `stim windows` writes them); with fewer chunks than
            // folds, contiguous runs of the dataset, so that neighbouring windows rarely straddle a split.
            let byChunk = Set(chunks).count >= svm.folds
            let groups = byChunk ? chunks.map { "chunk \($0)" }
                : (0..<examples.count).map { "run \($0 * svm.folds / examples.count)" }
            foldsKeep = byChunk ? "chunks" : "runs"
            let line = ProgressLine(enabled: !json)
            let result = try grid.run(examples, groups: groups) { line.show("search: \($0)/\($1) cells") }
            line.finish()
            options.c = result.best.c
            options.kernel.gamma = result.best.gamma
            search = result
        }
        Output.status("training an \(model.rawValue) (C \(options.c)" + (rbf ? ", gamma \(options.kernel.gamma)" : "")
                      + ") on \(examples.count) examples" + (held.map { ", validating on \($0.count)" } ?? ""))
        let classifier = try SvmTrainer(options: options).train(examples)
        let seconds = (clock.now - start) / .seconds(1)
        var validationAccuracy: Double?
        if let held {
            let truth = argmaxRows(held.targets, classes: held.classes)
            let matrix = ConfusionMatrix(truth: truth, predicted: try classifier.predict(held.inputs), classes: held.classes)
            validationAccuracy = matrix.accuracy
        }
        let student = StudentModel(task: header.task, classNames: header.classNames, input: header.input,
                                   producer: "stim \(Stim.configuration.version)", body: .svm(classifier.svm))
        try ModelFile.write(student, to: out)
        let report = SvmTrainReport(
            model: out, kind: model.rawValue, examples: examples.count, validationExamples: held?.count ?? 0,
            c: options.c, gamma: rbf ? options.kernel.gamma : nil, supportVectors: classifier.supportVectorCount,
            parameters: student.parameterCount, probabilities: classifier.hasProbabilities,
            validationAccuracy: validationAccuracy, seconds: seconds, searchFolds: foldsKeep,
            search: search?.cells.map { SvmTrainReport.Cell(c: $0.c, gamma: rbf ? $0.gamma : nil, accuracy: $0.accuracy,
                                                            kappa: $0.kappa) })
        if json { try Output.json(report) } else { report.print() }
    }
}

struct SvmTrainReport: Encodable {
    struct Cell: Encodable {
        var c: Double
        var gamma: Float?
        var accuracy: Double
        var kappa: Double
    }

    var model: String
    var kind: String
    var examples: Int
    var validationExamples: Int
    var c: Double
    var gamma: Float?
    var supportVectors: Int
    var parameters: Int
    var probabilities: Bool
    var validationAccuracy: Double?
    var seconds: Double
    /// What --search's folds keep whole: "chunks" (records) or "runs" (contiguous runs of the dataset).
    var searchFolds: String?
    var search: [Cell]?

    enum CodingKeys: String, CodingKey {
        case model, kind, examples, c, gamma, parameters, probabilities, seconds, search
        case searchFolds = "search_folds"
        case validationExamples = "validation_examples", supportVectors = "support_vectors"
        case validationAccuracy = "validation_accuracy"
    }

    func print() {
        var rows = [("model", "\(model) (\(kind))"), ("C", "\(c)")]
        if let gamma { rows.append(("gamma", "\(gamma)")) }
        if let search {
            let best = search.max { $0.accuracy < $1.accuracy }
            rows.append(("search", "\(search.count) cells, best cross-validated accuracy "
                         + String(format: "%.3f", best?.accuracy ?? 0) + " (folds keep \(searchFolds ?? "runs") whole)"))
        }
        if supportVectors > 0 { rows.append(("support vectors", "\(supportVectors)")) }
        rows.append(("parameters", "\(parameters)"))
        if let validationAccuracy {
            rows.append(("validation", String(format: "accuracy %.3f on %d examples", validationAccuracy, validationExamples)))
        }
        rows.append(("time", String(format: "%.2f s", seconds)))
        Output.table(rows)
    }
}
