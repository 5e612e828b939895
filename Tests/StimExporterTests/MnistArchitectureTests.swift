import Foundation
import StimLearn
import StimTestSupport
import Testing
@testable import StimExporter

/// The MNIST networks build on [1, 28, 28] digits, and the teacher learns the digits with StimLearn's Trainer.
@Suite struct MnistArchitectureTests {
    @Test func networksFitTheDigits() throws {
        let teacher = try Sequential(inputShape: MnistArchitecture.inputShape, layers: MnistArchitecture.teacher, seed: 1)
        #expect(teacher.outputShape == [10] && teacher.parameterCount == 225_034)
        let student = try Sequential(inputShape: MnistArchitecture.inputShape, layers: MnistArchitecture.student, seed: 1)
        #expect(student.outputShape == [10] && student.parameterCount == 5_258)
        let generator = try Sequential(inputShape: [MnistArchitecture.noiseSize], layers: MnistArchitecture.generator,
                                       seed: 1)
        #expect(generator.outputShape == MnistArchitecture.inputShape)
        // Sigmoid output: every pixel of a stimulus lies in the digits' (0, 1).
        let noise = (0..<(4 * MnistArchitecture.noiseSize)).map { Float(sin(Double($0))) }
        let stimuli = generator.predict(noise)
        #expect(stimuli.count == 4 * 784 && stimuli.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(Set(stimuli).count > 100)
    }
}

/// A teacher trained on the first 5,000 training digits for 3 epochs (2 threads) classifies the 10,000 test digits.
@Suite(.enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
struct MnistTeacherTests {
    @Test func subsetTeacherClassifiesTestDigits() throws {
        let folder = try #require(SharedData.path("mnist")).path
        let training = try MnistDigits.load(.training, from: folder, limit: 5_000)
        let test = try MnistDigits.load(.test, from: folder)
        let start = ContinuousClock.now
        let teacher = try MnistTeacher.train(on: training, epochs: 3, threads: 2)
        let accuracy = try MnistTeacher.accuracy(teacher, on: test)
        print("MNIST teacher, 5,000 digits x 3 epochs: test accuracy \(accuracy) in \(ContinuousClock.now - start)")
        // Measured 0.967 (75 s on the shared 2-core machine); a broken layer or gradient stays far below.
        #expect(accuracy >= 0.95)
    }
}
