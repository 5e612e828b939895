import StimFormats
import StimKernels

/// Trains an SVM student: one binary machine per class pair (one-vs-one, LIBSVM's scheme) or per class
/// (one-vs-rest), each by a `BinarySvmTrainer` (the SMO solver), then optional Platt scaling and
/// support-vector budget, gathered into one `SvmClassifier`.
public struct SvmTrainer: Sendable {
    public var options: SvmOptions
    /// Another binary solver (a linear one) plugged in; nil: the options' SMO solver.
    public var customMachineTrainer: (any BinarySvmTrainer)?

    public init(options: SvmOptions = SvmOptions(), machineTrainer: (any BinarySvmTrainer)? = nil) {
        self.options = options
        customMachineTrainer = machineTrainer
    }

    /// The binary solver in use.
    public var machineTrainer: any BinarySvmTrainer { customMachineTrainer ?? options.binaryTrainer }

    /// `progress(done, total)` after each binary machine.
    public func train(_ examples: SvmExamples, progress: ((Int, Int) -> Void)? = nil) throws -> SvmClassifier {
        try options.validate(classes: examples.classes)
        let scaling = options.scaling == .standardize
            ? try FeatureScaling.standardization(values: examples.values, features: examples.features) : .identity
        let scaled = scaling.apply(examples.values)
        let layout = MachineLayout(classes: examples.classes, multiclass: options.multiclass)
        let trainer = try budgeted(machines: layout.machines.count)
        var machines: [BinaryMachine] = [], members: [[Int]] = [], platt: [PlattScaling] = []
        for (index, machine) in layout.machines.enumerated() {
            let chosen = examples.labels.indices.filter { machine.positive.contains(examples.labels[$0]) }
                + examples.labels.indices.filter { machine.negative.contains(examples.labels[$0]) }
            let problem = binaryProblem(chosen, of: examples, scaled: scaled, positive: machine.positive)
            machines.append(try trainer.train(problem))
            members.append(chosen)
            if options.probability {
                platt.append(try calibrate(problem, with: trainer, seed: options.seed &+ UInt64(index)))
            }
            progress?(index + 1, layout.machines.count)
        }
        var model = try assemble(machines, members: members, examples: examples, scaled: scaled, scaling: scaling,
                                 layout: layout)
        model.probabilityA = platt.map { Float($0.a) }
        model.probabilityB = platt.map { Float($0.b) }
        return model
    }

    /// The machine trainer, wrapped to keep each machine within an equal share of the support-vector budget
    /// (so the whole model stays within it, whatever support vectors the machines share).
    private func budgeted(machines: Int) throws -> any BinarySvmTrainer {
        guard let budget = options.supportVectorBudget else { return machineTrainer }
        guard budget >= machines else {
            throw LearnError.parameter("a budget of \(budget) support vectors cannot serve \(machines) binary machines")
        }
        guard let smo = machineTrainer as? SmoTrainer else {
            throw LearnError.unsupported("a support-vector budget needs the kernel SMO trainer")
        }
        return SupportVectorBudget(inner: smo, limit: budget / machines, seed: options.seed)
    }

    /// Examples `chosen` (scaled) as a ±1 problem with Cᵢ = C × class weight × example weight.
    func binaryProblem(_ chosen: [Int], of examples: SvmExamples, scaled: [Float], positive: Set<Int>) -> BinarySvmProblem {
        let d = examples.features
        var values: [Float] = []
        values.reserveCapacity(chosen.count * d)
        for i in chosen { values += scaled[(i * d)..<((i + 1) * d)] }
        let bounds = chosen.map { i in
            options.c * (options.classWeights.isEmpty ? 1 : options.classWeights[examples.labels[i]])
                * (examples.weights.isEmpty ? 1 : examples.weights[i])
        }
        return BinarySvmProblem(features: d, values: values, y: chosen.map { positive.contains(examples.labels[$0]) ? 1 : -1 },
                                upperBounds: bounds)
    }

    /// Platt scaling fitted on 5-fold cross-validated decision values of the problem, as LIBSVM's
    /// svm_binary_svc_probability: a fold whose training part lacks a class gets decision value ±1 (or 0).
    func calibrate(_ problem: BinarySvmProblem, with trainer: any BinarySvmTrainer, seed: UInt64) throws -> PlattScaling {
        let folds = 5, n = problem.count, d = problem.features
        var order = Array(0..<n)
        var generator = Xoshiro256StarStar(seed: seed)
        shuffle(&order, using: &generator)
        var decision = [Double](repeating: 0, count: n)
        for fold in 0..<folds {
            let held = Array(order[(fold * n / folds)..<((fold + 1) * n / folds)])
            let heldSet = Set(held)
            let kept = order.filter { !heldSet.contains($0) }
            let positives = kept.filter { problem.y[$0] > 0 }.count, negatives = kept.count - positives
            guard positives > 0, negatives > 0 else {
                let value: Double = positives > 0 ? 1 : (negatives > 0 ? -1 : 0)
                for i in held { decision[i] = value }
                continue
            }
            var values: [Float] = []
            values.reserveCapacity(kept.count * d)
            for i in kept { values += problem.values[(i * d)..<((i + 1) * d)] }
            let part = BinarySvmProblem(features: d, values: values, y: kept.map { problem.y[$0] },
                                        upperBounds: kept.map { problem.upperBounds[$0] })
            let machine = try trainer.train(part)
            var heldValues: [Float] = []
            for i in held { heldValues += problem.values[(i * d)..<((i + 1) * d)] }
            let f = machine.decisionValues(heldValues, trainedOn: part, kernel: options.kernel)
            for (i, value) in zip(held, f) { decision[i] = value }
        }
        return PlattScaling(decisionValues: decision, positive: problem.y.map { $0 > 0 })
    }

    /// Gathers the machines into a classifier: support vectors are the examples with a non-zero coefficient in
    /// any machine, grouped by class in example order; linear machines give a weight matrix.
    private func assemble(_ machines: [BinaryMachine], members: [[Int]], examples: SvmExamples, scaled: [Float],
                          scaling: FeatureScaling, layout: MachineLayout) throws -> SvmClassifier {
        let d = examples.features
        var weights: [Float] = [], biases: [Float] = []
        var coefficientOf: [[Int: Double]] = []
        for (machine, chosen) in zip(machines, members) {
            switch machine {
            case let .linear(weight, bias):
                weights += weight
                biases.append(bias)
            case let .expansion(coefficients, rho):
                var map: [Int: Double] = [:]
                for (k, i) in chosen.enumerated() where coefficients[k] != 0 { map[i] = coefficients[k] }
                coefficientOf.append(map)
                biases.append(Float(-rho))
            }
        }
        guard weights.isEmpty || coefficientOf.isEmpty else {
            throw LearnError.unsupported("a model mixing linear and kernel machines")
        }
        if !weights.isEmpty {
            return try SvmClassifier(kernel: options.kernel, multiclass: layout.multiclass, classes: examples.classes,
                                     features: d, scaling: scaling, machines: .linear(weight: weights), bias: biases)
        }
        let isSupport = Set(coefficientOf.flatMap(\.keys))
        var supportIndices: [Int] = [], perClass: [Int] = []
        for c in 0..<examples.classes {
            let ofClass = examples.labels.indices.filter { examples.labels[$0] == c && isSupport.contains($0) }
            supportIndices += ofClass
            perClass.append(ofClass.count)
        }
        let coefficients = layout.coefficientMatrix(supportIndices: supportIndices, labels: examples.labels,
                                                    coefficientOf: coefficientOf)
        var supportVectors: [Float] = []
        supportVectors.reserveCapacity(supportIndices.count * d)
        for i in supportIndices { supportVectors += scaled[(i * d)..<((i + 1) * d)] }
        return try SvmClassifier(kernel: options.kernel, multiclass: layout.multiclass, classes: examples.classes,
                                 features: d, scaling: scaling,
                                 machines: .kernel(supportVectors: supportVectors, coefficients: coefficients,
                                                   supportPerClass: perClass),
                                 bias: biases)
    }
}

extension BinaryMachine {
    /// f(x) for examples `values` (same features as the problem it was trained on).
    func decisionValues(_ values: [Float], trainedOn problem: BinarySvmProblem, kernel: SvmKernel) -> [Double] {
        let d = problem.features, count = values.count / d
        switch self {
        case let .linear(weight, bias):
            return (0..<count).map { e in
                var sum = bias
                for k in 0..<d { sum += weight[k] * values[e * d + k] }
                return Double(sum)
            }
        case let .expansion(coefficients, rho):
            let support = coefficients.indices.filter { coefficients[$0] != 0 }
            var vectors: [Float] = []
            for i in support { vectors += problem.values[(i * d)..<((i + 1) * d)] }
            return KernelExpansion(kernel: kernel, supportVectors: vectors, features: d)
                .decisionValues(values, count: count, coefficients: support.map { Float(coefficients[$0]) },
                                supportPerClass: [support.count], pairs: nil, bias: [Float(-rho)])
                .map(Double.init)
        }
    }
}
