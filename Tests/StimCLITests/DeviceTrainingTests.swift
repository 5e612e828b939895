import Foundation
import StimTestSupport
import Testing

/// `stim train --device` on 7,500 simulated windows with the Pi Zero 2 W profile.
@Suite(.serialized) struct DeviceTrainingTests {
    /// 15 simulated persons' 500-minute nights at 1 Hz: 7,500 windows (the benchmark's dataset).
    static func dataset() throws -> String {
        let dir = try StimBinary.temporaryDirectory()
        #expect(try StimBinary.run(["simulate", "--out", dir, "--persons", "15", "--hours", "8.3333", "--rate", "1",
                                    "--seed", "7"]).status == 0)
        let records = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".hea") }.map { "\(dir)/\($0)" }
        let windows = try StimBinary.json(["windows"] + records + ["--rate", "1", "--out", "\(dir)/w.stim"])
        #expect(windows["windows"] as? Int == 7_500)
        return dir
    }

    /// Every student fits the profile as planned, and the estimate of training's memory is within a factor of
    /// 2 of what the process measured (its peak resident size less its size when the plan was made).
    @Test func plansFitAndTheMemoryEstimateHolds() throws {
        let dir = try Self.dataset()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for kind in ["cnn", "mlp", "svm-linear", "svm-rbf"] {
            // --epochs 3 bounds the networks' epochs (the plan lowers, never raises them): a short test. One
            // thread, as in bench/runtime/train: under load one run with 2 threads measured 19 MB for the MLP,
            // which measures 7.3 MB with 1 or 2 when idle (probably more worker threads, each with a malloc arena).
            let report = try StimBinary.json(["train", "\(dir)/w.stim", "--model", kind, "--device", "pi-zero-2w",
                                              "--epochs", "3", "--threads", "1", "--out", "\(dir)/\(kind).stimm"])
            let device = try #require(report["device"] as? [String: Any])
            let plan = try #require(device["plan"] as? [String: Any])
            let memory = try #require(plan["memory"] as? [String: Int])
            let estimate = (memory["dataset"] ?? 0) + (memory["model"] ?? 0) + (memory["working"] ?? 0)
            let peak = try #require(device["peak_resident_bytes"] as? Int)
            let baseline = try #require(plan["baseline_bytes"] as? Int)
            let ratio = Double(peak - baseline) / Double(estimate)
            #expect((0.5...2).contains(ratio), "\(kind): measured growth \(peak - baseline) B, estimated \(estimate) B")
            #expect(plan["estimated_peak_bytes"] as? Int ?? .max <= 64 << 20)
            #expect(plan["threads"] as? Int == 1)
            if kind == "cnn" || kind == "mlp" {
                #expect(report["int8"] as? Bool == true && plan["int8"] as? Bool == true)
                #expect((1...3).contains(report["epochs"] as? Int ?? 0))
            }
            if kind == "svm-rbf" {
                // The profile sets no support-vector budget: the cache takes what the examples leave.
                #expect(plan["support_vector_budget"] == nil)
                #expect((8 << 20...64 << 20).contains(plan["cache_bytes"] as? Int ?? 0))
            }
        }
    }

    @Test func refusesBeforeTrainingAndSaysWhatToChange() throws {
        let dir = try Self.dataset()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let profile = "\(dir)/small.json"
        try """
            {"name": "small", "board": "a test board", "architecture": "aarch64", "cores": 1, "ram_mb": 128,
             "arithmetic": "int8", "training_memory_mb": 32, "training_seconds": 60, "support_vectors": 500}
            """.write(toFile: profile, atomically: true, encoding: .utf8)
        let clock = ContinuousClock(), start = clock.now
        let r = try StimBinary.run(["train", "\(dir)/w.stim", "--model", "svm-rbf", "--device", profile, "--out", "\(dir)/m.stimm"])
        #expect(clock.now - start < .seconds(5))
        #expect(r.status != 0)
        #expect(r.stderr.contains("refused before training: "), "\(r.stderr)")
        #expect(r.stderr.contains("7500 examples") && r.stderr.contains("small's 32 MB training budget"), "\(r.stderr)")
        #expect(r.stderr.contains("use fewer stimuli") && r.stderr.contains("a profile with a larger training_memory_mb"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/m.stimm"))
        // A time budget that not one epoch fits: refused after the timed sample epoch, before training.
        try """
            {"name": "slow", "board": "a test board", "architecture": "armv6", "cores": 1, "ram_mb": 512,
             "arithmetic": "int8", "training_memory_mb": 256, "training_seconds": 0.01}
            """.write(toFile: profile, atomically: true, encoding: .utf8)
        let slow = try StimBinary.run(["train", "\(dir)/w.stim", "--model", "cnn", "--device", profile, "--out", "\(dir)/m.stimm"])
        #expect(slow.status != 0 && slow.stderr.contains("refused before training: one epoch of 6750 examples takes about"))
        #expect(slow.stderr.contains("over slow's 0.01 s training budget: use fewer stimuli"), "\(slow.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/m.stimm"))
        let unknown = try StimBinary.run(["train", "\(dir)/w.stim", "--device", "pi-6", "--out", "\(dir)/m.stimm"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no device profile 'pi-6'") && unknown.stderr.contains("pi-zero-2w"))
    }
}
