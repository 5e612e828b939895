import Foundation
import StimFormats
import StimLearn
import StimTestSupport
import Testing

/// devices/cross/run: the Embedded Swift builds for armv6, armv7 and aarch64 (under qemu) and x86_64 print the
/// same class scores as the host's `QuantizedNetwork`, and fit the size aims. scripts/setup installs the cross
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
        // target, model, code, data, scratch: under 64 KB of code and 16 KB of RAM (data and scratch).
        let rows = try String(contentsOfFile: "\(out)/sizes.tsv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.count == 8)
        for row in rows {
            let code = try #require(Int(row[2])), data = try #require(Int(row[3])), scratch = try #require(Int(row[4]))
            #expect(code > 1000 && code < 64 * 1024, "\(row)")
            #expect(data + scratch < 16 * 1024, "\(row)")
        }
    }
}
