import Foundation
import StimFirmware
import StimFormats
import StimLearn
import StimTestSupport
import Testing

/// devices/cross/run: the Embedded Swift builds for armv6, armv7 and aarch64 (under qemu) and x86_64 print the
/// same class scores as the host's `QuantizedNetwork`, and for the SVMs the same int64 machine scores as the
/// host's `QuantizedSvm`, and fit the size aims. scripts/setup installs the cross
/// compilers and qemu; without them the test is skipped, except in CI, where it must run.
@Suite struct FirmwareCrossTests {
    static let toolsPresent: Bool = {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return ["arm-linux-gnueabi-gcc", "arm-linux-gnueabihf-gcc", "aarch64-linux-gnu-gcc", "qemu-arm-static",
                "qemu-aarch64-static"].allSatisfy { tool in
            path.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
        }
    }()
    static let inCI = ProcessInfo.processInfo.environment["CI"] != nil

    @Test(.enabled(if: toolsPresent || inCI, "cross gcc and qemu-user-static are absent (scripts/setup installs them)"))
    func scoresAreBitIdenticalOnEveryTarget() throws {
        let out = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let script = SharedData.repositoryRoot.appendingPathComponent("devices/cross/run").path
        let result = try Subprocess.capture("/usr/bin/env", ["STIM=\(StimBinary.path)", script, out])
        #expect(result.status == 0, "\(result.stderr)")

        let windows = try Data(contentsOf: URL(fileURLWithPath: "\(out)/golden/windows.f32")).withUnsafeBytes {
            Array($0.bindMemory(to: Float.self))
        }
        #expect(windows.count == 40 * 120)
        for model in ["cnn", "mlp"] {
            guard case .net(let net) = try ModelFile.read(path: "\(out)/golden/\(model).stimm").body else {
                Issue.record("\(model) is not a network")
                continue
            }
            let host = try QuantizedNetwork(neuralNet: net, inputShape: [2, 60])
            var expected = ["scratch \(host.arenaBytes)"]
            try windows.withUnsafeBufferPointer { all in
                for w in 0..<40 {
                    let window = UnsafeBufferPointer(rebasing: all[w * 120..<(w + 1) * 120])
                    let scores = try host.scores(window)
                    expected.append("\(w): " + scores.map(String.init).joined(separator: " ") + " best \(try host.classify(window))")
                }
            }
            // Scores that vary over the windows: a constant output would prove nothing.
            #expect(Set(expected.dropFirst().map { $0.split(separator: " ")[1] }).count > 5, "\(model): \(expected)")
            for target in ["x86_64", "armv6", "armv7", "aarch64"] {
                let lines = try String(contentsOfFile: "\(out)/\(target)/\(model).scores", encoding: .utf8)
                    .split(separator: "\n").map(String.init)
                #expect(lines == expected, "\(model) on \(target)")
            }
        }
        let reader = try DatasetReader(path: "\(out)/golden/windows.stim")
        let calibration = try (0..<reader.chunkCount).flatMap { index in
            try reader.chunk(at: index).realSamples(reader.header.sampleEncoding, samplesPerWindow: 60)
        }
        for model in ["linear-svm", "rbf-svm"] {
            guard case .svm(let svm) = try ModelFile.read(path: "\(out)/golden/\(model).stimm").body else {
                Issue.record("\(model) is not an SVM")
                continue
            }
            let (bytes, quantized) = try SvmClassifier(svm: svm, classes: 2).firmwareBuffer(inputChannels: 2, calibration: calibration)
            #expect(bytes == [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(out)/golden/\(model).bin"))), "\(model)")
            let scores = try quantized.scores(windows)
            let scratch = try withAlignedCopy(bytes) { try FirmwareModel(UnsafeRawBufferPointer($0)).scratchBytes }
            // One machine: a positive score is a vote for class 0.
            let expected = ["scratch \(scratch)"] + (0..<40).map { w in
                "\(w): " + (scores[w] > 0 ? "1 0 best 0" : "0 1 best 1") + " machines \(scores[w])"
            }
            #expect(Set(scores.map { $0 > 0 }).count == 2, "\(model): \(scores)")
            for target in ["x86_64", "armv6", "armv7", "aarch64"] {
                let lines = try String(contentsOfFile: "\(out)/\(target)/\(model).scores", encoding: .utf8)
                    .split(separator: "\n").map(String.init)
                #expect(lines == expected, "\(model) on \(target)")
            }
        }
        // target, model, code, data, scratch, buffer: under 64 KB of code and 16 KB of RAM (data and scratch).
        let rows = try String(contentsOfFile: "\(out)/sizes.tsv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.count == 16)
        for row in rows {
            let code = try #require(Int(row[2])), data = try #require(Int(row[3])), scratch = try #require(Int(row[4]))
            #expect(code > 1000 && code < 64 * 1024, "\(row)")
            #expect(data + scratch < 16 * 1024, "\(row)")
        }
    }
}
