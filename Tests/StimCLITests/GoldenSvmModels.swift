import Foundation
import StimFormats
import StimKernels
import StimLearn
import StimTestSupport
import Testing

/// The SVM students devices/cross/run scores (`stim train` makes networks only): a linear and an RBF SVM trained
/// here, deterministically, on seeded belt-like windows, committed as devices/cross/golden/{linear,rbf}-svm.stimm.
/// `STIM_WRITE_GOLDEN=1` rewrites them; otherwise the committed files must be what this training makes.
@Suite struct GoldenSvmModels {
    static let folder = SharedData.repositoryRoot.appendingPathComponent("devices/cross/golden")
    static let input = InputSpec(channels: [Channel(name: "Resp C", unit: "", samplingRate: 1),
                                            Channel(name: "Resp A", unit: "", samplingRate: 1)], samplesPerWindow: 60)

    /// 2 × 60 samples: breathing at 0.2–0.3 Hz with noise; apnea windows (class 1) lose most of their amplitude
    /// for 15–30 s and drift down meanwhile (which a linear machine can see).
    static func windows(count: Int, seed: UInt64) throws -> SvmExamples {
        var random = Xoshiro256StarStar(seed: seed)
        var values: [Float] = [], labels: [Int] = []
        for i in 0..<count {
            let apnea = i % 2 == 1
            let rate = random.nextDouble(in: 0.2..<0.3), start = Int(random.next() % 30), length = 15 + Int(random.next() % 16)
            for c in 0..<2 {
                let phase = random.nextDouble(in: 0..<6.283)
                for t in 0..<60 {
                    let paused = apnea && (start..<(start + length)).contains(t)
                    let breath = (paused ? 0.15 : 1.0) * sin(6.283 * rate * Double(t) + phase)
                    values.append(Float(breath + 0.3 * random.nextNormal() + Double(c) - (paused ? 0.6 : 0)))
                }
            }
            labels.append(apnea ? 1 : 0)
        }
        return try SvmExamples(features: 120, classes: 2, values: values, labels: labels)
    }

    static func models() throws -> [(String, SvmClassifier)] {
        let examples = try windows(count: 400, seed: 31)
        let linear = SvmOptions(kernel: SvmKernel(kind: .linear), c: 0.5, scaling: .standardize, collapseLinear: true)
        let rbf = SvmOptions(kernel: SvmKernel(kind: .rbf, gamma: SvmKernel.scaleGamma(features: examples.values, featureCount: 120)),
                             c: 1, scaling: .standardize, supportVectorBudget: 64)
        return [("linear-svm", try SvmTrainer(options: linear).train(examples)), ("rbf-svm", try SvmTrainer(options: rbf).train(examples))]
    }

    @Test func committedModelsAreWhatTrainingMakes() throws {
        let write = ProcessInfo.processInfo.environment["STIM_WRITE_GOLDEN"] != nil
        let test = try Self.windows(count: 200, seed: 32)
        for (name, model) in try Self.models() {
            let path = Self.folder.appendingPathComponent("\(name).stimm").path
            let student = StudentModel(task: "apnea", classNames: ["normal", "apnea"], input: Self.input, body: .svm(model.svm))
            if write { try ModelFile.write(student, to: path) }
            guard case .svm(let stored) = try ModelFile.read(path: path).body else {
                Issue.record("\(path) is not an SVM")
                continue
            }
            #expect(try SvmClassifier(svm: stored, classes: 2) == model, "\(name): rerun with STIM_WRITE_GOLDEN=1")
            let accuracy = Double(zip(try model.predict(test.values), test.labels).filter { $0 == $1 }.count) / Double(test.count)
            print("golden \(name): \(model.supportVectorCount) support vectors, held-out accuracy \(accuracy)")
            // A model that learned the pauses, so that its scores vary over the golden windows.
            #expect(accuracy > 0.8)
        }
    }
}
