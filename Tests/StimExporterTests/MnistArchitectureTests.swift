import Foundation
import StimLearn
import Testing
@testable import StimExporter

/// The MNIST networks build on [1, 28, 28] digits; the generator's stimuli share the digits' range.
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
