import Foundation
import StimFormats
import StimKernels
import StimTestSupport
import Testing
@testable import StimLearn

/// The SVM student around the solver: multi-class layout, probabilities, budget, scaling, soft labels, grid
/// search, the model file, and bad input.
@Suite struct SvmModelTests {
    /// Three Gaussian classes in 6 dimensions, centres 1.5 apart along different axes.
    static func threeClasses(count: Int = 300, seed: UInt64 = 3) throws -> SvmExamples {
        var generator = Xoshiro256StarStar(seed: seed)
        var values: [Float] = [], labels: [Int] = []
        for i in 0..<count {
            let label = i % 3
            for f in 0..<6 {
                let u1 = Double(generator.next() >> 11 + 1) / Double(1 << 53), u2 = Double(generator.next() >> 11) / Double(1 << 53)
                let normal = (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
                values.append(Float(normal) + (f == label ? 1.5 : 0))
            }
            labels.append(label)
        }
        return try SvmExamples(features: 6, classes: 3, values: values, labels: labels)
    }

    static let options = SvmOptions(kernel: SvmKernel(kind: .rbf, gamma: 0.2), c: 2)

    @Test func oneVsOneLayoutIsLibsvms() throws {
        let examples = try Self.threeClasses()
        let model = try SvmTrainer(options: Self.options).train(examples)
        #expect(model.machineCount == 3)
        guard case let .kernel(vectors, coefficients, perClass) = model.machines else {
            Issue.record("expected a kernel model")
            return
        }
        #expect(perClass.count == 3 && perClass.reduce(0, +) == model.supportVectorCount)
        #expect(coefficients.count == 2 * model.supportVectorCount)
        // Recompute pair (0, 2)'s decision value from the layout by hand: row 1 for class-0 vectors, row 0 for
        // class-2 vectors.
        let n = model.supportVectorCount, x = Array(examples.values[0..<6])
        var sum: Float = 0
        for s in 0..<n {
            let ofClass = s < perClass[0] ? 0 : (s < perClass[0] + perClass[1] ? 1 : 2)
            guard ofClass != 1 else { continue }
            var distance: Float = 0
            for f in 0..<6 { distance += (vectors[s * 6 + f] - x[f]) * (vectors[s * 6 + f] - x[f]) }
            let k = Foundation.exp(-0.2 * distance)
            sum += coefficients[(ofClass == 0 ? 1 : 0) * n + s] * k
        }
        let values = try model.decisionValues(x)
        #expect(abs(values[1] - (sum + model.bias[1])) < 1e-4)
        let accuracy = Double(zip(try model.predict(examples.values), examples.labels).filter { $0 == $1 }.count)
            / Double(examples.count)
        #expect(accuracy > 0.85)
    }

    @Test func modelFileRoundTripIsBitExact() throws {
        var options = Self.options
        options.probability = true
        options.scaling = .standardize
        for multiclass in Svm.Multiclass.allCases {
            options.multiclass = multiclass
            let model = try SvmTrainer(options: options).train(try Self.threeClasses())
            let input = InputSpec(channels: [Channel(name: "x", unit: "", samplingRate: 1)], samplesPerWindow: 6,
                                  normalization: Normalization(method: .none))
            let student = StudentModel(task: "test", classNames: ["a", "b", "c"], input: input, body: .svm(model.svm))
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("svm-\(UUID().uuidString).stimm").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try ModelFile.write(student, to: path)
            let read = try ModelFile.read(path: path)
            #expect(read == student)
            guard case .svm(let svm) = read.body else {
                Issue.record("not an SVM")
                return
            }
            let back = try SvmClassifier(svm: svm, classes: 3)
            #expect(back == model)
            let x = try Self.threeClasses(count: 30, seed: 9).values
            #expect(try back.decisionValues(x) == model.decisionValues(x))
            #expect(try back.probabilities(x) == model.probabilities(x))
        }
    }

    @Test func collapsedLinearMachinesGiveTheSameDecisionValues() throws {
        let examples = try Self.threeClasses()
        var options = SvmOptions(kernel: SvmKernel(kind: .linear), c: 0.5)
        let expansion = try SvmTrainer(options: options).train(examples)
        options.collapseLinear = true
        let collapsed = try SvmTrainer(options: options).train(examples)
        guard case .linear(let weight) = collapsed.machines else {
            Issue.record("expected weights")
            return
        }
        #expect(weight.count == 3 * 6)
        let a = try expansion.decisionValues(examples.values), b = try collapsed.decisionValues(examples.values)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-3 })
        let stored = try SvmClassifier(svm: collapsed.svm, classes: 3)
        #expect(stored == collapsed)
        // A binary trainer plugged in from outside (as a linear solver will be) takes the same path.
        let plugged = try SvmTrainer(options: SvmOptions(kernel: SvmKernel(kind: .linear), c: 0.5),
                                     machineTrainer: SmoTrainer(kernel: SvmKernel(kind: .linear), collapseLinear: true))
            .train(examples)
        #expect(plugged == collapsed)
    }

    @Test func standardizationIsStoredAndApplied() throws {
        let examples = try Self.threeClasses()
        // Features on wildly different scales: standardization inside the model undoes it.
        let skewed = examples.values.enumerated().map { $0.element * Float(1 + $0.offset % 6 * 100) + 50 }
        let raw = try SvmExamples(features: 6, classes: 3, values: skewed, labels: examples.labels)
        var options = Self.options
        options.scaling = .standardize
        let model = try SvmTrainer(options: options).train(raw)
        let scaling = try FeatureScaling.standardization(values: skewed, features: 6)
        #expect(model.scaling == scaling)
        let prescaled = try SvmExamples(features: 6, classes: 3, values: scaling.apply(skewed), labels: examples.labels)
        options.scaling = .none
        let reference = try SvmTrainer(options: options).train(prescaled)
        let a = try model.decisionValues(skewed), b = try reference.decisionValues(scaling.apply(skewed))
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test func budgetIsRespected() throws {
        let examples = try Self.threeClasses(count: 600)
        let full = try SvmTrainer(options: Self.options).train(examples)
        for budget in [9, 30, 90, 300] {
            var options = Self.options
            options.supportVectorBudget = budget
            let model = try SvmTrainer(options: options).train(examples)
            let accuracy = Double(zip(try model.predict(examples.values), examples.labels).filter { $0 == $1 }.count)
                / Double(examples.count)
            print("SVM budget \(budget): \(model.supportVectorCount) SVs (full \(full.supportVectorCount)), training accuracy \(accuracy)")
            #expect(model.supportVectorCount <= budget)
            #expect(accuracy > (budget < 30 ? 0.4 : 0.7))
        }
        // Two classes: a budget at the support-vector count leaves the machine as it is.
        let kept = examples.labels.indices.filter { examples.labels[$0] < 2 }
        let binary = try SvmExamples(features: 6, classes: 2, values: kept.flatMap { examples.values[($0 * 6)..<($0 * 6 + 6)] },
                                     labels: kept.map { examples.labels[$0] })
        let binaryFull = try SvmTrainer(options: Self.options).train(binary)
        var options = Self.options
        options.supportVectorBudget = binaryFull.supportVectorCount
        #expect(try SvmTrainer(options: options).train(binary) == binaryFull)
    }

    /// Platt's sigmoid fit against scikit-learn's _sigmoid_calibration (same targets, another optimizer).
    @Test(.enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func plattScalingAgreesWithScikitLearn() throws {
        var generator = Xoshiro256StarStar(seed: 11)
        var f: [Double] = [], positive: [Bool] = []
        for _ in 0..<500 {
            let value = Double(generator.next() >> 11) / Double(1 << 53) * 6 - 3
            let p = 1 / (1 + Foundation.exp(-2 * value + 0.5))
            f.append(value)
            positive.append(Double(generator.next() >> 11) / Double(1 << 53) < p)
        }
        let ours = PlattScaling(decisionValues: f, positive: positive)
        let script = """
        import json, sys
        import numpy as np
        from sklearn.calibration import _sigmoid_calibration
        d = json.load(sys.stdin)
        a, b = _sigmoid_calibration(np.array(d["f"]), np.array(d["y"]))
        print(json.dumps([float(a), float(b)]))
        """
        let input = try JSONSerialization.data(withJSONObject: ["f": f, "y": positive.map { $0 ? 1 : 0 }])
        let reference = try JSONDecoder().decode([Double].self, from: Data(try PythonEnvironment.run(["-c", script], input: input).utf8))
        print("Platt: stim A \(ours.a) B \(ours.b); scikit-learn A \(reference[0]) B \(reference[1])")
        #expect(abs(ours.a - reference[0]) < 1e-3)
        #expect(abs(ours.b - reference[1]) < 1e-3)
        #expect(ours.a < -1.5 && ours.a > -2.5)
    }

    /// Pairwise probabilities that come from one distribution, rᵢⱼ = pᵢ / (pᵢ + pⱼ), give it back.
    @Test func pairwiseCouplingRecoversConsistentProbabilities() {
        let p = [0.5, 0.3, 0.15, 0.05]
        let r = p.map { pi in p.map { pj in pi / (pi + pj) } }
        let coupled = pairwiseCoupling(r)
        #expect(zip(coupled, p).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(abs(coupled.reduce(0, +) - 1) < 1e-9)
    }

    @Test func softLabelsGiveArgmaxAndConfidenceWeights() throws {
        let targets: [Float] = [0.9, 0.1, 0.5, 0.5, 0.2, 0.8, 0, 1]
        let (labels, weights) = try SoftLabels.hardLabels(targets: targets, classes: 2)
        #expect(labels == [0, 0, 1, 1])
        let expected = [0.8, 0.05, 0.6, 1.0]
        #expect(zip(weights, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        let data = try TrainingData(exampleShape: [1], classes: 2, inputs: [1, 2, 3, 4], targets: targets)
        let examples = try SvmExamples(data, confidenceWeighted: true)
        #expect(examples.labels == labels && examples.weights == weights)
        // Weights scale each example's C: a low-confidence example's α stays below 0.05 C.
        #expect(throws: LearnError.self) { try SoftLabels.hardLabels(targets: [0.5, 0.5, 1], classes: 2) }
    }

    @Test func gridSearchKeepsRecordsTogether() throws {
        let examples = try Self.threeClasses(count: 240)
        let groups = (0..<240).map { "record\($0 / 30)" }
        let folds = try SvmGridSearch.groupFolds(groups, folds: 4)
        for g in Set(groups) {
            #expect(Set(groups.indices.filter { groups[$0] == g }.map { folds[$0] }).count == 1)
        }
        #expect(Set(folds) == [0, 1, 2, 3])
        var calls = 0
        let search = SvmGridSearch(cValues: [0.1, 10], gammaValues: [0.01, 0.2], folds: 4, options: Self.options)
        let result = try search.run(examples, groups: groups) { done, total in
            calls += 1
            #expect(done == calls && total == 4)
        }
        #expect(result.cells.count == 4)
        #expect(result.best.accuracy == result.cells.map(\.accuracy).max())
        #expect(result.cells[0].c == 0.1 && result.cells[1].gamma == 0.2)
        // Deterministic.
        #expect(try search.run(examples, groups: groups).cells == result.cells)
        #expect(throws: LearnError.self) { try search.run(examples, groups: Array(groups.dropLast())) }
        #expect(throws: LearnError.self) { try SvmGridSearch.groupFolds(groups, folds: 9) }
    }

    static func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func badInputGetsATypedErrorNamingTheProblem() throws {
        let good = try Self.threeClasses(count: 30)
        #expect(Self.message { _ = try SvmExamples(features: 2, classes: 2, values: [], labels: []) }.contains("no training examples"))
        #expect(Self.message { _ = try SvmExamples(features: 2, classes: 2, values: [1, 2, 3, 4], labels: [1, 1]) }
            .contains("one class"))
        #expect(Self.message { _ = try SvmExamples(features: 2, classes: 2, values: [1, .nan, 3, 4], labels: [0, 1]) }
            .contains("non-finite"))
        #expect(Self.message { _ = try SvmExamples(features: 2, classes: 2, values: [1, .infinity, 3, 4], labels: [0, 1]) }
            .contains("non-finite"))
        #expect(Self.message { _ = try SvmExamples(features: 3, classes: 2, values: [1, 2, 3, 4], labels: [0, 1]) }
            .contains("not 2 examples of 3 features"))
        #expect(Self.message { _ = try SvmExamples(features: 2, classes: 2, values: [1, 2, 3, 4], labels: [0, 2]) }
            .contains("label 2"))
        #expect(Self.message { _ = try SvmExamples(features: 1, classes: 3, values: [1, 2], labels: [0, 1]) }
            .contains("class 2 has no examples"))
        #expect(Self.message { _ = try SvmExamples(features: 1, classes: 2, values: [1, 2], labels: [0, 1], weights: [1, 0]) }
            .contains("weight"))
        func train(_ change: (inout SvmOptions) -> Void) -> String {
            var options = Self.options
            change(&options)
            return Self.message { _ = try SvmTrainer(options: options).train(good) }
        }
        #expect(train { $0.c = 0 }.contains("C must be positive"))
        #expect(train { $0.c = -1 }.contains("C must be positive"))
        #expect(train { $0.kernel.gamma = 0 }.contains("gamma"))
        #expect(train { $0.kernel = SvmKernel(kind: .sigmoid, gamma: -1) }.contains("gamma"))
        #expect(train { $0.kernel = SvmKernel(kind: .polynomial, gamma: 1, degree: 0) }.contains("degree"))
        #expect(train { $0.supportVectorBudget = 0 }.contains("budget"))
        #expect(train { $0.supportVectorBudget = 2 }.contains("cannot serve 3"))
        #expect(train { $0.classWeights = [1, 2] }.contains("class weights"))
        #expect(train { $0.tolerance = 0 }.contains("tolerance"))
        #expect(train { $0.cacheBytes = 0 }.contains("cache"))
        // A linear kernel needs no gamma.
        #expect(train { $0.kernel = SvmKernel(kind: .linear) } == "")
        let model = try SvmTrainer(options: Self.options).train(good)
        #expect(Self.message { _ = try model.decisionValues([1, 2, 3]) }.contains("not whole examples of 6"))
        #expect(Self.message { _ = try model.predict([Float](repeating: .nan, count: 6)) }.contains("non-finite"))
        #expect(Self.message { _ = try model.probabilities(good.values) }.contains("without probability"))
        var broken = model.svm
        broken.bias.removeLast()
        #expect(Self.message { _ = try SvmClassifier(svm: broken, classes: 3) }.contains("biases"))
        broken = model.svm
        broken.supportPerClass[0] += 1
        #expect(Self.message { _ = try SvmClassifier(svm: broken, classes: 3) }.contains("support-vector values"))
        #expect(Self.message { _ = try SvmClassifier(svm: model.svm, classes: 4) } != "")
    }
}
