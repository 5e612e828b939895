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
