import Foundation
import StimFormats
import StimKernels
import Testing
@testable import StimLearn

/// `StudentTrainer` and `Student`: every kind trains through one entry point and scores through one face.
@Suite struct StudentTests {
    /// Two classes of 2 × 60 windows: class 1 carries a slow sine on the first channel; both carry noise.
    static func windows(count: Int, seed: UInt64) throws -> TrainingData {
        var random = Xoshiro256StarStar(seed: seed)
        var inputs: [Float] = [], labels: [Int] = []
        for e in 0..<count {
            let label = e % 2
            for c in 0..<2 {
                for t in 0..<60 {
                    let wave = label == 1 && c == 0 ? Float(1.5 * sin(Double(t) * 0.3)) : 0
                    inputs.append(wave + Float(random.nextNormal()) * 0.5)
                }
            }
            labels.append(label)
        }
        return try TrainingData(exampleShape: [2, 60], classes: 2, inputs: inputs, labels: labels)
    }

    @Test(arguments: StudentKind.allCases)
    func everyKindLearnsAndScoresThroughOneFace(kind: StudentKind) throws {
        let training = try Self.windows(count: 200, seed: 1), test = try Self.windows(count: 100, seed: 2)
        var options = StudentTrainingOptions()
        options.epochs = 15
        options.int8 = !kind.isSvm
        options.probability = kind == .svmRbf
        let trained = try StudentTrainer(options: options).train(kind, on: training, validation: test)
        let student = try Student(body: trained.body, inputShape: [2, 60], classes: 2)
        #expect(student.engineName == (kind.isSvm ? "SVM" : "int8 network"))
        let probabilities = try student.probabilities(test.inputs)
        #expect(probabilities.count == 200)
        for e in 0..<100 { #expect(abs(probabilities[2 * e] + probabilities[2 * e + 1] - 1) < 1e-5) }
        let accuracy = try student.accuracy(on: test)
        #expect(accuracy > 0.9, "\(kind.rawValue): accuracy \(accuracy)")
        // The trainer's validation accuracy is the saved model's (the int8 one for quantized networks).
        #expect(trained.validationAccuracy == accuracy)
    }

    /// Tempered soft labels are the teacher's softmax of its logits over T (closed form), keep each row's most probable
    /// class, leave one-hot rows one-hot, and flatten toward uniform as T grows.
    @Test func temperedLabelsAreTheSoftmaxOfLogitsOverT() throws {
        var random = Xoshiro256StarStar(seed: 5)
        let classes = 4, rows = 50
        let logits = (0..<(rows * classes)).map { _ in Float(random.nextNormal()) * 4 }
        func softmaxRows(_ z: [Float], over t: Float) -> [Float] {
            stride(from: 0, to: z.count, by: classes).flatMap { base -> [Float] in
                let e = (0..<classes).map { exp(Double(z[base + $0]) / Double(t)) }
                return e.map { Float($0 / e.reduce(0, +)) }
            }
        }
        let data = try TrainingData(exampleShape: [3], classes: classes, inputs: [Float](repeating: 0, count: rows * 3),
                                    targets: softmaxRows(logits, over: 1))
        for t: Float in [0.5, 3, 10] {
            let tempered = try data.tempered(t)
            let expected = softmaxRows(logits, over: t)
            #expect(zip(tempered.targets, expected).allSatisfy { abs($0 - $1) < 2e-6 }, "T = \(t)")
            #expect(tempered.labels == data.labels && tempered.inputs == data.inputs)
        }
        let top = { (d: TrainingData) in d.targets.enumerated().filter { d.labels[$0.offset / classes] == $0.offset % classes }.map(\.element) }
        #expect(zip(top(try data.tempered(3)), top(try data.tempered(10))).allSatisfy { $0 > $1 })
        #expect(try data.tempered(1).targets == data.targets)
        let hard = try Self.windows(count: 10, seed: 6)
        #expect(try hard.tempered(4).targets == hard.targets)
        for bad: Float in [0, -1, .nan, .infinity] {
            #expect(throws: LearnError.self) { try data.tempered(bad) }
        }
    }

    /// A network student at temperature T trains on the tempered labels: the same model, bit for bit, as one trained
    /// at T = 1 on `tempered(T)`, and not the one trained on the labels as they are.
    @Test func networksTrainOnTemperedLabels() throws {
        let hard = try Self.windows(count: 120, seed: 7)
        let soft = try TrainingData(exampleShape: hard.exampleShape, classes: 2, inputs: hard.inputs,
                                    targets: hard.targets.map { $0 * 0.8 + 0.1 })
        var options = StudentTrainingOptions()
        options.epochs = 3
        options.patience = nil
        let plain = try StudentTrainer(options: options).train(.mlp, on: soft)
        let byHand = try StudentTrainer(options: options).train(.mlp, on: soft.tempered(3))
        options.temperature = 3
        let tempered = try StudentTrainer(options: options).train(.mlp, on: soft)
        let outputs = { (trained: TrainedStudent) in
            try Student(body: trained.body, inputShape: [2, 60], classes: 2).probabilities(Array(hard.inputs.prefix(20 * 120)))
        }
        #expect(try outputs(tempered) == outputs(byHand))
        #expect(try outputs(tempered) != outputs(plain))
    }

    @Test func clampingFollowsTheKindUnlessAsked() {
        var options = StudentTrainingOptions()
        #expect(StudentKind.allCases.filter(options.clamps) == [.mlp, .svmLinear])
        options.clampInputs = false
        #expect(StudentKind.allCases.filter(options.clamps).isEmpty)
        options.clampInputs = true
        #expect(StudentKind.allCases.allSatisfy(options.clamps))
    }

    /// `seedMatters` tells the truth: an RBF machine without Platt scaling or a budget is the same for any seed (the
    /// report trains it once, not once per seed); with Platt scaling, or as a network, the seed changes the model.
    @Test func seedMattersOnlyWhereTheSeedChangesTheModel() throws {
        let training = try Self.windows(count: 120, seed: 8), probe = Array(try Self.windows(count: 20, seed: 9).inputs)
        func outputs(_ kind: StudentKind, seed: UInt64, probability: Bool = false) throws -> [Float] {
            var options = StudentTrainingOptions()
            options.epochs = 2
            options.seed = seed
            options.probability = probability
            let trained = try StudentTrainer(options: options).train(kind, on: training)
            return try Student(body: trained.body, inputShape: [2, 60], classes: 2).probabilities(probe)
        }
        var options = StudentTrainingOptions()
        #expect(!options.seedMatters(for: .svmRbf))
        #expect(try outputs(.svmRbf, seed: 0) == outputs(.svmRbf, seed: 5))
        options.probability = true
        #expect(options.seedMatters(for: .svmRbf))
        #expect(try outputs(.svmRbf, seed: 0, probability: true) != outputs(.svmRbf, seed: 5, probability: true))
        #expect(options.seedMatters(for: .mlp) && options.seedMatters(for: .svmLinear))
        #expect(try outputs(.mlp, seed: 0) != outputs(.mlp, seed: 5))
    }

    @Test func svmWithoutProbabilitiesGivesOneHotRows() throws {
        let training = try Self.windows(count: 100, seed: 3)
        let trained = try StudentTrainer().train(.svmLinear, on: training)
        let student = try Student(body: trained.body, inputShape: [2, 60], classes: 2)
        let rows = try student.probabilities(Array(training.inputs.prefix(10 * 120)))
        #expect(rows.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(rows.reduce(0, +) == 10)
    }

    @Test func refusesNonFiniteAndPartialWindows() throws {
        let trained = try StudentTrainer().train(.svmLinear, on: try Self.windows(count: 40, seed: 4))
        let student = try Student(body: trained.body, inputShape: [2, 60], classes: 2)
        #expect(throws: LearnError.self) { try student.probabilities([Float](repeating: 0, count: 119)) }
        var window = [Float](repeating: 0, count: 120)
        window[7] = .nan
        #expect(throws: LearnError.self) { try student.probabilities(window) }
    }
}
