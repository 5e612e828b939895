import Foundation
import StimLearn
import StimTestSupport
import Testing
@testable import StimExporter

/// The MNIST pipeline at full size (issue 6), run on demand because it takes tens of minutes on two cores:
///
///     STIM_MNIST_FULL=/tmp/mnist-run swift test -c release ... --filter MnistFullRunTests
///
/// The teacher trains on the 60,000 training digits (4 epochs, 2 threads) and is scored on the 10,000 test digits;
/// its weights are kept in the folder the variable names, so a second run goes straight on from them.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["STIM_MNIST_FULL"] != nil,
                "set STIM_MNIST_FULL=FOLDER to run the full MNIST pipeline (tens of minutes)"),
       .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
struct MnistFullRunTests {
    static let teacherEpochs = 4

    @Test func teacherOnAllDigits() throws {
        let folder = try #require(SharedData.path("mnist")).path
        let out = try #require(ProcessInfo.processInfo.environment["STIM_MNIST_FULL"])
        let test = try MnistDigits.load(.test, from: folder)
        let (teacher, seconds) = try Self.teacher(mnist: folder, cache: out)
        let accuracy = try MnistTeacher.accuracy(teacher, on: test)
        print("MNIST full teacher: \(Self.teacherEpochs) epochs on 60,000 digits in \(seconds) s (0: from the cache), "
              + "test accuracy \(accuracy)")
        #expect(accuracy >= 0.985)
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
        let clock = ContinuousClock(), begin = clock.now
        let network = try MnistTeacher.train(on: training, epochs: teacherEpochs, threads: 2)
        let elapsed = clock.now - begin
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try Array(network.snapshot().joined()).withUnsafeBufferPointer { Data(buffer: $0) }.write(to: file)
        return (network, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
}
