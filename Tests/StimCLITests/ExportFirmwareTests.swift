import Foundation
import StimFirmware
import StimFormats
import StimKernels
import StimLearn
import StimTestSupport
import Testing

/// `stim export-firmware`: an int8 network or an SVM becomes a buffer that scores as the host's integer path;
/// float networks, linear SVMs without calibration windows and damaged files are refused with a reason.
@Suite struct ExportFirmwareTests {
    static let input = InputSpec(channels: [Channel(name: "Resp C", unit: "", samplingRate: 1),
                                            Channel(name: "Resp A", unit: "", samplingRate: 1)], samplesPerWindow: 60)

    static func write(_ body: StudentModel.Body, to path: String) throws {
        try ModelFile.write(StudentModel(task: "apnea", classNames: ["normal", "apnea"], input: input, body: body), to: path)
    }

    @Test func int8ModelBecomesAScoringBuffer() throws {
        let folder = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let network = try Sequential(inputShape: [2, 60], layers: StudentArchitecture.cnn.layers(classes: 2), seed: 3)
        var generator = Xoshiro256StarStar(seed: 4)
        let windows = (0..<(64 * 120)).map { _ in Float(generator.nextNormal()) }
        let net = try Quantizer.quantize(network, calibration: windows)
        try Self.write(.net(net), to: "\(folder)/int8.stimm")
        let report = try StimBinary.json(["export-firmware", "\(folder)/int8.stimm", "--out", "\(folder)/model.bin"])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/model.bin")))
        #expect(report["bytes"] as? Int == bytes.count)
        #expect(report["scratch_bytes"] as? Int == 6560)
        #expect(report["layers"] as? Int == 10)
        #expect(bytes == (try net.firmwareBuffer(inputShape: [2, 60])))
        let host = try QuantizedNetwork(neuralNet: net, inputShape: [2, 60])
        try withAlignedCopy(bytes) { aligned in
            let model = try FirmwareModel(UnsafeRawBufferPointer(aligned))
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: model.scratchBytes, alignment: 16)
            defer { scratch.deallocate() }
            try windows.withUnsafeBufferPointer { all in
                for w in 0..<64 {
                    let window = UnsafeBufferPointer(rebasing: all[w * 120..<(w + 1) * 120])
                    var scores = [Int8](repeating: 0, count: 2)
                    try scores.withUnsafeMutableBufferPointer { _ = try model.score(window, scratch: scratch, into: $0) }
                    #expect(scores == (try host.scores(window)))
                }
            }
        }
        let text = try StimBinary.run(["export-firmware", "\(folder)/int8.stimm", "--out", "\(folder)/again.bin"])
        #expect(text.status == 0 && text.stdout.contains("6560 bytes"))
    }

    /// The committed golden SVMs (GoldenSvmModels): RBF exports with its support vectors' range, and is the library's
    /// buffer; linear needs windows for its range. (devices/cross/run exports both with --calibration.)
    @Test func svmModelsBecomeScoringBuffers() throws {
        let folder = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let golden = GoldenSvmModels.folder.path
        let report = try StimBinary.json(["export-firmware", "\(golden)/rbf-svm.stimm", "--out", "\(folder)/rbf.bin"])
        guard case .svm(let svm) = try ModelFile.read(path: "\(golden)/rbf-svm.stimm").body else {
            Issue.record("the golden RBF model is not an SVM")
            return
        }
        let (expected, _) = try SvmClassifier(svm: svm, classes: 2).firmwareBuffer(inputChannels: 2, calibration: [])
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/rbf.bin"))) == expected)
        #expect(report["machines"] as? Int == 1 && report["layers"] as? Int == 0 && report["bytes"] as? Int == expected.count)
        #expect(report["scratch_bytes"] as? Int == 4 + 16 + 4 * 64 + 240)
        let linear = try StimBinary.run(["export-firmware", "\(golden)/linear-svm.stimm", "--out", "\(folder)/linear.bin"])
        #expect(linear.status != 0 && linear.stderr.contains("pass --calibration WINDOWS.stim"), "\(linear.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/linear.bin"))
    }

    @Test func refusesFloatModelsAndBadFiles() throws {
        let folder = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let network = try Sequential(inputShape: [2, 60], layers: StudentArchitecture.mlp.layers(classes: 2), seed: 3)
        try Self.write(.net(try network.neuralNet()), to: "\(folder)/float.stimm")
        let float = try StimBinary.run(["export-firmware", "\(folder)/float.stimm", "--out", "\(folder)/model.bin"])
        #expect(float.status != 0 && float.stderr.contains("quantize first: stim train --int8"), "\(float.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/model.bin"))
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: "\(folder)/junk.stimm"))
        let junk = try StimBinary.run(["export-firmware", "\(folder)/junk.stimm", "--out", "\(folder)/model.bin"])
        #expect(junk.status != 0 && junk.stderr.contains("junk.stimm"), "\(junk.stderr)")
        let missing = try StimBinary.run(["export-firmware", "\(folder)/none.stimm", "--out", "\(folder)/model.bin"])
        #expect(missing.status != 0 && missing.stderr.contains("none.stimm"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/model.bin"))
    }
}
