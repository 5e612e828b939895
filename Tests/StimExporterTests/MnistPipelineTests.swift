import Foundation
import StimLearn
import StimTestSupport
import Testing
@testable import StimExporter

/// The MNIST pipeline in small: a teacher trained on the first 5,000 training digits for 3 epochs (2 threads)
/// classifies the 10,000 test digits; 300 stimuli synthesized from it clear their thresholds and carry its softmax;
/// a student trained on those stimuli alone classifies the test digits far above chance (0.1).
@Suite(.enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
struct MnistPipelineTests {
    @Test func subsetTeacherStimuliAndStudent() throws {
        let folder = try #require(SharedData.path("mnist")).path
        let training = try MnistDigits.load(.training, from: folder, limit: 5_000)
        let test = try MnistDigits.load(.test, from: folder)
        let teacher = try MnistTraining.teacher(on: training, epochs: 3, threads: 2)
        let teacherAccuracy = try MnistTraining.accuracy(teacher, on: test)
        #expect(teacherAccuracy >= 0.95)

        let stimuli = try MnistTraining.stimuli(from: teacher, count: 300, seed: 1).stimuli
        #expect(stimuli.count == 300 && stimuli.exampleShape == MnistArchitecture.inputShape)
        #expect((0..<10).allSatisfy { k in stimuli.targetClasses.filter { $0 == k }.count == 30 })
        #expect(stimuli.inputs.allSatisfy { $0 > 0 && $0 < 1 })
        // The soft labels are the teacher's softmax of the stored stimuli (recomputed through Student), and each
        // clears the lowest threshold for its target class.
        let recomputed = try Student(body: .net(teacher.neuralNet()), inputShape: MnistArchitecture.inputShape,
                                     classes: 10).probabilities(stimuli.inputs)
        #expect(zip(recomputed, stimuli.softLabels).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(stimuli.targetClasses.enumerated().allSatisfy { stimuli.softLabels[$0.offset * 10 + $0.element] > 0.75 })

        let student = try MnistTraining.student(on: stimuli.trainingData(), epochs: 20, threads: 2)
        let studentAccuracy = try MnistTraining.accuracy(student, on: test)
        print("MNIST small pipeline: teacher (5,000 digits) \(teacherAccuracy), student on 300 stimuli \(studentAccuracy)")
        #expect(studentAccuracy >= 0.3)
    }
}
