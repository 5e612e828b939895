import Foundation
import StimLearn
import StimTestSupport
import Testing
@testable import StimExporter

/// The MNIST pipeline at full size (issue 6), run on demand because it takes tens of minutes on two cores:
///
///     STIM_MNIST_FULL=/tmp/mnist-run swift test -c release ... --filter MnistFullRunTests
///
/// The teacher trains on the 60,000 training digits (4 epochs, 2 threads; its weights are kept in the folder the
/// variable names, so a later run goes straight on from them); 7,500 stimuli are synthesized from it (no
/// anonymization: MNIST has no persons), and a student CNN trains on the stimuli alone. Both are scored on the
/// 10,000 test digits (the method's earlier paper: student 0.978, teacher 0.993).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["STIM_MNIST_FULL"] != nil,
                "set STIM_MNIST_FULL=FOLDER to run the full MNIST pipeline (tens of minutes)"),
       .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
struct MnistFullRunTests {
    static let teacherEpochs = 4, stimuli = 7_500, studentEpochs = 100

    @Test func pipelineOnAllDigits() throws {
        let folder = try #require(SharedData.path("mnist")).path
        let out = try #require(ProcessInfo.processInfo.environment["STIM_MNIST_FULL"])
        let test = try MnistDigits.load(.test, from: folder)
        let (teacher, teacherSeconds) = try Self.teacher(mnist: folder, cache: out)
        let teacherAccuracy = try MnistTraining.accuracy(teacher, on: test)
        print("MNIST teacher: \(Self.teacherEpochs) epochs on 60,000 digits in \(teacherSeconds) s (0: from the cache), "
              + "test accuracy \(teacherAccuracy)")

        var synthesizer: StimulusSynthesizer?
        let synthesisSeconds = try Self.seconds { synthesizer = try MnistTraining.stimuli(from: teacher, count: Self.stimuli, seed: 1) }
        let made = try #require(synthesizer)
        let timing = made.timing
        let parts = [timing.generator, timing.teacher, timing.optimizer].map(Self.seconds)
        print("MNIST stimuli: \(made.stimuli.count) in \(synthesisSeconds) s (\(Double(made.stimuli.count) / synthesisSeconds) "
              + "stimuli/s), acceptance \(made.log.acceptanceRate), \(timing.steps) steps "
              + "(\(Double(timing.steps) / Double(made.stimuli.count)) per stimulus), time split generator \(parts[0]) s, "
              + "teacher \(parts[1]) s, Adam \(parts[2]) s")

        var student: Sequential?
        let studentSeconds = try Self.seconds {
            student = try MnistTraining.student(on: made.stimuli.trainingData(), epochs: Self.studentEpochs, threads: 2)
        }
        let studentAccuracy = try MnistTraining.accuracy(try #require(student), on: test)
        // The same student on as many real training digits: what the architecture reaches without stimuli.
        let real = try MnistDigits.load(.training, from: folder, limit: Self.stimuli).classData()
        let realAccuracy = try MnistTraining.accuracy(MnistTraining.student(on: real, epochs: Self.studentEpochs, threads: 2),
                                                      on: test)
        print("MNIST student (\(Self.studentEpochs) epochs on \(made.stimuli.count) stimuli, \(studentSeconds) s): test accuracy "
              + "\(studentAccuracy); teacher \(teacherAccuracy); the same student on \(Self.stimuli) real digits \(realAccuracy)")
        // Measured (2026-11-24, shared 2-core machine): teacher 0.9902, student 0.964 (100 epochs at temperature 3;
        // 30 epochs on the labels as they were gave 0.822), the student on real digits 0.977 (the paper: 0.993 and
        // 0.978). These bounds catch a pipeline that breaks.
        #expect(teacherAccuracy >= 0.985)
        #expect(studentAccuracy >= 0.95)
        #expect(realAccuracy >= 0.95)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock(), start = clock.now
        try body()
        return seconds(clock.now - start)
    }

    /// The teacher trained on all training digits, or its weights from `cache/teacher.f32` when an earlier run left
    /// them there; with the training seconds (0 from the cache).
    static func teacher(mnist folder: String, cache: String) throws -> (Sequential, Double) {
        let file = URL(fileURLWithPath: cache).appendingPathComponent("teacher.f32")
        if let data = try? Data(contentsOf: file) {
            let network = try Sequential(inputShape: MnistArchitecture.inputShape, layers: MnistArchitecture.teacher)
            let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            var start = 0
            try #require(values.count == network.parameterCount, "\(file.path) does not hold this teacher's weights")
            network.restore(network.parameters.map { p in
                defer { start += p.count }
                return Array(values[start..<(start + p.count)])
            })
            return (network, 0)
        }
        let training = try MnistDigits.load(.training, from: folder)
        var network: Sequential?
        let elapsed = try seconds { network = try MnistTraining.teacher(on: training, epochs: teacherEpochs, threads: 2) }
        let trained = try #require(network)
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try Array(trained.snapshot().joined()).withUnsafeBufferPointer { Data(buffer: $0) }.write(to: file)
        return (trained, elapsed)
    }
}
