import Foundation
import StimFormats
import StimKernels
import StimLearn
import Testing

/// `stim inspect` on student models: exact parameter count and the inference memory the engine uses.
@Suite struct InspectModelTests {
    static let teacher = StudentArchitecture.cnn.layers(classes: 2)

    @Test func floatAndInt8Models() throws {
        let folder = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let network = try Sequential(inputShape: [2, 60], layers: Self.teacher, seed: 1)
        var generator = Xoshiro256StarStar(seed: 2)
        let calibration = (0..<(64 * 120)).map { _ in Float(generator.nextNormal()) }
        let input = InputSpec(channels: [Channel(name: "Resp C", unit: "", samplingRate: 1),
                                         Channel(name: "Resp A", unit: "", samplingRate: 1)], samplesPerWindow: 60)
        let quantizedNet = try Quantizer.quantize(network, calibration: calibration)
        for (name, net) in [("float", try network.neuralNet()), ("int8", quantizedNet)] {
            let path = "\(folder)/\(name).stimm"
            try ModelFile.write(StudentModel(task: "apnea", classNames: ["normal", "apnea"], input: input, body: .net(net)),
                                to: path)
            let info = try StimBinary.json(["inspect", path])
            // 2·16·7 + 16 + 16·32·5 + 32 + 32·32·3 + 32 + 32·2 + 2
            #expect(info["parameters"] as? Int == 6002)
            #expect(network.parameterCount == 6002)
            let bytes = try #require(info["inference_bytes"] as? Int)
            if name == "int8" {
                #expect(bytes == (try QuantizedNetwork(neuralNet: quantizedNet, inputShape: [2, 60])).arenaBytes)
                #expect(bytes == 6560)  // ModelConversionTests.arenaIsComputedExactly works it out
                let text = try StimBinary.run(["inspect", path])
                #expect(text.stdout.contains("inference memory") && text.stdout.contains("6560 bytes"))
            } else {
                #expect(bytes == 4 * network.workingSetCount(batch: 1))
            }
        }
    }

    /// A temporary folder with 2 simulated persons' 2-hour nights at 1 Hz cut into windows: `w.stim`.
    static func simulatedWindows() throws -> String {
        let dir = try StimBinary.temporaryDirectory()
        #expect(try StimBinary.run(["simulate", "--out", dir, "--persons", "2", "--hours", "2", "--rate", "1"]).status == 0)
        let records = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".hea") }.map { "\(dir)/\($0)" }
        _ = try StimBinary.json(["windows"] + records + ["--rate", "1", "--out", "\(dir)/w.stim"])
        return dir
    }

    /// Simulate → windows → train (int8) → inspect, and a damaged dataset refused with its name.
    @Test func trainWritesAStudent() throws {
        let dir = try Self.simulatedWindows()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try StimBinary.json(["train", "\(dir)/w.stim", "--out", "\(dir)/m.stimm", "--epochs", "4", "--int8"])
        #expect(report["examples"] as? Int == 216 && report["validation_examples"] as? Int == 24)
        #expect(report["parameters"] as? Int == 6002 && report["int8"] as? Bool == true)
        let accuracy = try #require(report["validation_accuracy"] as? Double)
        #expect((0...1).contains(accuracy))
        let model = try ModelFile.read(path: "\(dir)/m.stimm")
        guard case .net(let net) = model.body else { Issue.record("not a network"); return }
        #expect(net.inputQuantization != nil)
        // The same seed (and thread count) gives the same model, byte for byte.
        _ = try StimBinary.json(["train", "\(dir)/w.stim", "--out", "\(dir)/again.stimm", "--epochs", "4", "--int8"])
        #expect(FileManager.default.contents(atPath: "\(dir)/m.stimm") == FileManager.default.contents(atPath: "\(dir)/again.stimm"))

        var bytes = try #require(FileManager.default.contents(atPath: "\(dir)/w.stim"))
        bytes.removeLast(100)
        try bytes.write(to: URL(fileURLWithPath: "\(dir)/cut.stim"))
        let cut = try StimBinary.run(["train", "\(dir)/cut.stim", "--out", "\(dir)/x.stimm"])
        #expect(cut.status != 0 && cut.stderr.contains("cut.stim"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/x.stimm"))
        let flags = try StimBinary.run(["train", "\(dir)/w.stim", "--out", "\(dir)/x.stimm", "--epochs", "0"])
        #expect(flags.status != 0 && flags.stderr.contains("--epochs must be at least 1"))
    }

    /// Simulate → windows → SVM students: --search's grid and choice, the model file's SVM, and the SVM
    /// options' errors.
    @Test func trainWritesAnSvmStudent() throws {
        let dir = try Self.simulatedWindows()
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let report = try StimBinary.json(["train", "\(dir)/w.stim", "--model", "svm-rbf", "--search", "--folds", "3",
                                          "--probability", "--out", "\(dir)/rbf.stimm"])
        let cells = try #require(report["search"] as? [[String: Any]])
        #expect(cells.count == 20, "4 values of C × 5 of gamma")
        // Two records, two chunks: fewer than 3 folds, so the folds are contiguous runs.
        #expect(report["search_folds"] as? String == "runs")
        let accuracies = cells.compactMap { $0["accuracy"] as? Double }
        let best = try #require(cells.first { $0["accuracy"] as? Double == accuracies.max() })
        #expect(report["c"] as? Double == best["c"] as? Double && report["gamma"] as? Double == best["gamma"] as? Double)
        let validation = try #require(report["validation_accuracy"] as? Double)
        #expect(validation > 0.6, "RBF SVM on simulated belts: validation accuracy \(validation)")
        let model = try ModelFile.read(path: "\(dir)/rbf.stimm")
        guard case .svm(let svm) = model.body else { Issue.record("not an SVM"); return }
        #expect(svm.kernel.kind == .rbf && svm.supportVectors?.shape == [report["support_vectors"] as? Int ?? -1, 120])
        #expect(svm.probA.count == 1 && svm.featureOffset.count == 0)

        let linear = try StimBinary.json(["train", "\(dir)/w.stim", "--model", "svm-linear", "--c", "0.5",
                                          "--out", "\(dir)/linear.stimm"])
        #expect(linear["c"] as? Double == 0.5 && linear["gamma"] == nil && linear["parameters"] as? Int == 121)
        // `stim windows` writes one chunk per record, so 2 folds keep the records whole.
        #expect(try StimBinary.json(["inspect", "\(dir)/w.stim"])["chunks"] as? Int == 2)
        let byRecord = try StimBinary.json(["train", "\(dir)/w.stim", "--model", "svm-linear", "--search", "--folds", "2",
                                            "--out", "\(dir)/linear2.stimm"])
        #expect(byRecord["search_folds"] as? String == "chunks" && (byRecord["search"] as? [Any])?.count == 4)
        guard case .svm(let weights) = try ModelFile.read(path: "\(dir)/linear.stimm").body else {
            Issue.record("not an SVM"); return
        }
        #expect(weights.weight?.shape == [1, 120] && weights.supportVectors == nil)

        for (flags, message) in [(["--model", "svm-rbf", "--int8"], "--int8 quantizes networks"),
                                 (["--model", "svm-linear", "--budget", "10"], "--budget applies to svm-rbf"),
                                 (["--model", "svm-rbf", "--gamma", "0"], "--gamma must be"),
                                 (["--model", "svm-rbf", "--c", "0"], "--c must be a positive number")] {
            let result = try StimBinary.run(["train", "\(dir)/w.stim", "--out", "\(dir)/x.stimm"] + flags)
            #expect(result.status != 0 && result.stderr.contains(message), "\(flags): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/x.stimm"))
    }
}
