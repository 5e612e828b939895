// `StimBench svm`: the Swift side of the SVM benchmark (bench/svm/RESULTS.md). Reads a dataset that
// bench/svm/data.py wrote, trains one model kind on it, and prints one JSON line with the same fields as
// bench/svm/peers.py: median training time over --runs fits, prediction throughput, accuracy (belt:
// leave-one-record-out pooled; MNIST: the 10,000 test digits) and the peak memory the first fit added
// (getrusage max RSS after it minus max RSS after loading the data; max_rss_mb: the process's max RSS then).
// One process per model, as the peers.
import Foundation
import StimFormats
import StimLearn

struct SvmBenchOptions {
    var data = "bench/out/svm", dataset = "belt", model = "stim-linear-s1", runs = 5

    static let usage = "usage: StimBench svm --model \(svmModels.keys.sorted().joined(separator: "|")) --dataset belt|mnist "
        + "[--data bench/out/svm] [--runs 5]"

    init(_ arguments: ArraySlice<String>) throws {
        _ = try parseOptions(arguments) { name, value in
            switch name {
            case "--data": data = value
            case "--dataset": dataset = value
            case "--model": model = value
            case "--runs": runs = try Options.number(name, value)
            default: throw BenchError(Self.usage)
            }
        }
        guard runs > 0, ["belt", "mnist"].contains(dataset), svmModels[model] != nil else { throw BenchError(Self.usage) }
    }
}

/// Rows [count × dimension] with integer class labels.
struct SvmSet: Sendable {
    var features: [Float]
    var labels: [Int32]
    var dimension: Int
    var count: Int { labels.count }

    init(features: [Float], labels: [Int32], dimension: Int) {
        self.features = features
        self.labels = labels
        self.dimension = dimension
    }

    /// `<folder>/<name>.x` (float32) and `.y` (int32), shaped by `<folder>/meta.json`.
    init(folder: String, name: String) throws {
        let meta = try JSONDecoder().decode([String: [Int]].self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/meta.json")))
        guard let shape = meta[name], shape.count == 2 else { throw BenchError("\(folder)/meta.json has no shape for \(name)") }
        features = try load(folder + "/\(name).x", count: shape[0] * shape[1], as: UInt32.self).map(Float.init(bitPattern:))
        labels = try load(folder + "/\(name).y", count: shape[0], as: Int32.self)
        dimension = shape[1]
    }

    func subset(_ rows: [Int]) -> SvmSet {
        SvmSet(features: rows.flatMap { features[$0 * dimension..<($0 + 1) * dimension] }, labels: rows.map { labels[$0] },
               dimension: dimension)
    }
}

/// A trained model: the predicted class of each row of a set.
typealias SvmPredictor = @Sendable (SvmSet) throws -> [Int32]

/// The model kinds under benchmark, by the name `--model` takes.
let svmModels: [String: @Sendable (SvmSet) throws -> SvmPredictor] = [
    // StimLearn's kernel SVM as the peers run it: RBF, C = 1, gamma = 1/(d · var X) (scikit-learn's 'scale'),
    // one-vs-one, tolerance 1e-3, shrinking, a 64 MiB row cache.
    "stim-rbf": { try kernelSvm($0) },
    // LinearSvmSolver's defaults: tolerance 0.1, at most 1000 passes.
    "stim-linear-s1": { try linearOneVsRest($0, solver: LinearSvmSolver(loss: .squaredHinge)) },
    "stim-linear-s3": { try linearOneVsRest($0, solver: LinearSvmSolver(loss: .hinge)) },
    // At most 300 passes, LIBLINEAR 2.50's limit for its dual solver (at C = 1 on the belt windows neither
    // converges; there LIBLINEAR's -s 1 goes on with its primal solver, -s 3 stops).
    "stim-linear-s1-300": { try linearOneVsRest($0, solver: LinearSvmSolver(loss: .squaredHinge, maxIterations: 300)) },
    "stim-linear-s3-300": { try linearOneVsRest($0, solver: LinearSvmSolver(loss: .hinge, maxIterations: 300)) },
]

/// LIBLINEAR's multi-class scheme, for the benchmark's MNIST digits: one machine per class against the rest
/// (a single machine for two classes), C = 1, bias feature 1; the class of the largest decision value wins.
func linearOneVsRest(_ set: SvmSet, solver: LinearSvmSolver) throws -> SvmPredictor {
    let classes = Array(Set(set.labels)).sorted()
    let positives = classes.count == 2 ? [classes[1]] : classes
    let costs = [Float](repeating: 1, count: set.count)
    let machines = try set.features.withUnsafeBufferPointer { features in
        try positives.map { c in
            try solver.train(features: features, count: set.count, dimension: set.dimension,
                             labels: set.labels.map { $0 == c ? 1 : -1 }, costs: costs, bias: true)
        }
    }
    return { test in
        test.features.withUnsafeBufferPointer { features in
            (0..<test.count).map { i in
                let decisions = machines.map { $0.decision(features.baseAddress! + i * test.dimension) }
                if classes.count == 2 { return decisions[0] > 0 ? classes[1] : classes[0] }
                return positives[decisions.indices.max { decisions[$0] < decisions[$1] }!]
            }
        }
    }
}

/// The RBF SVM student (SvmTrainer) on a set, its labels mapped to class indices and back.
func kernelSvm(_ set: SvmSet) throws -> SvmPredictor {
    let classes = Array(Set(set.labels)).sorted()
    let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    let examples = try SvmExamples(features: set.dimension, classes: classes.count, values: set.features,
                                   labels: set.labels.map { index[$0]! })
    let gamma = SvmKernel.scaleGamma(features: set.features, featureCount: set.dimension)
    let model = try SvmTrainer(options: SvmOptions(kernel: SvmKernel(kind: .rbf, gamma: gamma), c: 1)).train(examples)
    return { test in try model.predict(test.features).map { classes[$0] } }
}

func maxResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux: KiB
}

func runSvm(_ options: SvmBenchOptions) throws {
    let train = try SvmSet(folder: options.data, name: options.dataset)
    let fit = svmModels[options.model]!
    let base = maxResidentMegabytes()
    var times: [Double] = [], peak = 0.0
    var predictor: SvmPredictor = { _ in [] }
    for run in 0..<options.runs {
        times.append(try seconds { predictor = try fit(train) })
        if run == 0 { peak = maxResidentMegabytes() - base }
    }
    let test: SvmSet
    let accuracy: Double
    if options.dataset == "belt" {
        test = train
        let groups = try load(options.data + "/belt.g", count: train.count, as: Int32.self)
        var correct = 0
        for g in Set(groups).sorted() {
            let held = groups.indices.filter { groups[$0] == g }
            let fold = try fit(train.subset(groups.indices.filter { groups[$0] != g }))
            let heldOut = train.subset(held)
            correct += zip(try fold(heldOut), heldOut.labels).filter { $0 == $1 }.count
        }
        accuracy = Double(correct) / Double(train.count)
    } else {
        test = try SvmSet(folder: options.data, name: "mnist-test")
        accuracy = Double(zip(try predictor(test), test.labels).filter { $0 == $1 }.count) / Double(test.count)
    }
    let predictSeconds = try seconds { _ = try predictor(test) }
    let sorted = times.sorted()
    let line = String(format: "{\"peer\": \"%@\", \"dataset\": \"%@\", \"train_s\": %.6f, \"train_runs\": [%@], "
                      + "\"predict_per_s\": %.1f, \"accuracy\": %.6f, \"peak_mb\": %.2f, \"max_rss_mb\": %.2f, \"count\": %d, "
                      + "\"dimension\": %d}",
                      options.model, options.dataset, sorted[sorted.count / 2], times.map { String(format: "%.6f", $0) }.joined(separator: ", "),
                      Double(test.count) / predictSeconds, accuracy, peak, base + peak, train.count, train.dimension)
    print(line)
}
