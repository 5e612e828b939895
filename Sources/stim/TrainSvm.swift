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

    /// Carries these settings into the library's options (the search, whose groups come from the dataset's
    /// chunks, is set by the command).
    func apply(to options: inout StudentTrainingOptions) {
        options.c = c
        if case .value(let g) = gamma { options.gamma = g }
        options.supportVectorBudget = budget
        options.probability = probability
        options.confidenceWeights = confidenceWeights
        options.cacheBytes = cacheMb << 20
    }

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
    var device: DeviceTrainingReport?

    enum CodingKeys: String, CodingKey {
        case model, kind, examples, c, gamma, parameters, probabilities, seconds, search, device
        case searchFolds = "search_folds"
        case validationExamples = "validation_examples", supportVectors = "support_vectors"
        case validationAccuracy = "validation_accuracy"
    }

    init(_ student: TrainedStudent, model: String, examples: Int, validationExamples: Int, parameters: Int, seconds: Double,
         searchFolds: String?) {
        self.model = model
        kind = student.kind.rawValue
        self.examples = examples
        self.validationExamples = validationExamples
        c = student.c ?? 0
        gamma = student.gamma
        supportVectors = student.supportVectors
        self.parameters = parameters
        probabilities = student.hasProbabilities
        validationAccuracy = student.validationAccuracy
        self.seconds = seconds
        self.searchFolds = searchFolds
        search = student.search?.cells.map { Cell(c: $0.c, gamma: student.gamma != nil ? $0.gamma : nil,
                                                  accuracy: $0.accuracy, kappa: $0.kappa) }
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
