import Foundation
import StimFormats
import StimTestSupport
import Testing

/// `stim export` on simulated nights: the dataset's header, counts and soft labels; a run killed with SIGKILL and
/// run again makes the uninterrupted run's stimuli; bad splits are refused with a reason.
@Suite struct ExportCommandTests {
    static func nights(_ dir: String) throws -> [String] {
        let sim = try StimBinary.run(["simulate", "--out", dir, "--persons", "4", "--hours", "2", "--rate", "1", "--json"])
        #expect(sim.status == 0, "\(sim.stderr)")
        let nights = try #require(try JSONSerialization.jsonObject(with: Data(sim.stdout.utf8)) as? [[String: Any]])
        return nights.map { "\(dir)/\($0["record"] as? String ?? "").hea" }
    }

    static func options(_ out: String, count: Int, report: Bool = false) -> [String] {
        ["--rate", "1", "--out", out, "--count", "\(count)", "--teacher-epochs", "10", "--identity-epochs", "5",
         "--threshold-min", "0.6", "--threshold-max", "0.9",
         "--threads", "1", "--holdout", "1", "--seed", "5"] + (report ? [] : ["--no-report"])
    }

    @Test func exportsSimulatedNights() throws {
        let dir = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let records = try Self.nights(dir)
        let out = "\(dir)/stimuli.stim"
        let report = try StimBinary.json(["export"] + records + Self.options(out, count: 20, report: true))
        #expect(report["stimuli"] as? Int == 20 && report["per_class"] as? [Int] == [10, 10])
        #expect((report["attempts"] as? Int ?? 0) >= 20)
        #expect((report["training_records"] as? [String])?.count == 3 && (report["held_out_records"] as? [String])?.count == 1)
        let teacherPath = "\(dir)/stimuli.teacher.stimm"
        let teacherBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: teacherPath)))
        #expect(report["teacher_sha256"] as? String == SHA256.hex(SHA256.digest(teacherBytes)))
        #expect(!FileManager.default.fileExists(atPath: out + ".journal"))

        let reader = try DatasetReader(path: out)
        let header = reader.header
        #expect(header.classNames == ["normal", "apnea"])
        #expect(header.input.channels.map(\.name) == ["Resp C", "Resp A"] && header.input.samplesPerWindow == 60)
        #expect(header.input.normalization.method == .runningZScore)
        #expect(header.provenance.teacherDigest == SHA256.digest(teacherBytes))
        #expect(header.provenance.generator?.seed == 5 && header.provenance.generator?.thresholdMin == 0.6)
        #expect(header.provenance.generator?.architecture.hasSuffix("; fresh weights every 10 stimuli") == true)
        #expect(header.provenance.anonymization?.target == .marginal)
        #expect(header.provenance.anonymization?.identities == 3)
        #expect(header.provenance.producer.contains("export"))
        // The report beside the dataset, on the held-out record, and its summary in the header.
        #expect(report["report"] as? String == "\(dir)/stimuli.report.html")
        let html = try String(contentsOfFile: "\(dir)/stimuli.report.html", encoding: .utf8)
        #expect(html.contains("<svg") && !html.contains("<script"))
        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/stimuli.report.json"))) as? [String: Any])
        let sets = (json["stimulus_sets"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(sets == ["stimuli (anonymized, marginal)", "stimuli (not anonymized)", "VAE baseline"])
        let teacherAccuracy = ((json["utility"] as? [String: Any])?["teacher"] as? [String: Any])?["accuracy"] as? Double
        #expect(abs(header.summary.teacherAccuracy - (teacherAccuracy ?? -1)) < 1e-12,
                "header \(header.summary.teacherAccuracy), report \(String(describing: teacherAccuracy))")
        #expect(header.summary.evaluation.hasPrefix("fixed record split: trained on 3 records"),
                "\(header.summary.evaluation)")
        #expect(header.summary.studentAccuracy > 0 && header.summary.reidentificationChance == 1.0 / 3)
        // The membership slice: whole blocks of 10 windows of the training records, the report's non-members.
        let sliceWindows = try #require(report["membership_slice_windows"] as? Int)
        #expect(sliceWindows > 0 && sliceWindows % 10 == 0)
        let membership = ((json["privacy"] as? [String: Any])?["membership"] as? [String: Any]) ?? [:]
        #expect(membership["non_members"] as? Int == sliceWindows && membership["members"] as? Int == report["training_windows"] as? Int)
        let chunk = try reader.chunk(at: 0)
        #expect(reader.chunkCount == 1 && chunk.count == 20)
        let p = chunk.probabilities()
        for i in 0..<20 {
            let row = Array(p[(2 * i)..<(2 * i + 2)])
            #expect(abs(row.reduce(0, +) - 1) < 1e-5 && row.allSatisfy { (0...1).contains($0) })
            #expect(row[Int(chunk.targetClass[i])] > 0.6)  // above the lowest threshold
        }
        #expect(chunk.targetClass.filter { $0 == 1 }.count == 10)
        // A student trained on the stimuli clamps live windows to their range, tighter than the windows' clip of 8.
        let bound = chunk.realSamples(header.sampleEncoding, samplesPerWindow: 60).reduce(Float(0)) { max($0, abs($1)) }
        let trained = try StimBinary.run(["train", out, "--out", "\(dir)/student.stimm", "--model", "mlp", "--epochs", "1",
                                          "--validation", "0"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let student = try ModelFile.read(path: "\(dir)/student.stimm")
        #expect(header.input.normalization.clip == 8 && bound < 1.001)  // (−1, 1), stored as int16 of step 8 / 32767
        #expect(student.input.normalization.clip == bound && student.input.normalization.method == .runningZScore)
        // --no-clamp keeps the windows' clip; an RBF machine does not clamp unless asked (--clamp).
        for (arguments, clip) in [(["--model", "mlp", "--epochs", "1", "--no-clamp"], Float(8)), (["--model", "svm-rbf"], 8),
                                  (["--model", "svm-rbf", "--clamp"], bound)] {
            let path = "\(dir)/clamp.stimm"
            let run = try StimBinary.run(["train", out, "--out", path, "--validation", "0"] + arguments)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try ModelFile.read(path: path).input.normalization.clip == clip, "\(arguments)")
        }
        // Distilled at a temperature, the soft labels train another model; a temperature of 0 is refused.
        let hot = try StimBinary.run(["train", out, "--out", "\(dir)/hot.stimm", "--model", "mlp", "--epochs", "1",
                                      "--validation", "0", "--temperature", "3"])
        #expect(hot.status == 0, "\(hot.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/hot.stimm"))
                    != Data(contentsOf: URL(fileURLWithPath: "\(dir)/student.stimm")))
        let cold = try StimBinary.run(["train", out, "--out", "\(dir)/cold.stimm", "--temperature", "0"])
        #expect(cold.status != 0 && cold.stderr.contains("--temperature must be positive"))
        let text = try StimBinary.run(["export"] + records + Self.options("\(dir)/again.stim", count: 4) + ["--no-anonymize"])
        #expect(text.status == 0)
        #expect(text.stdout.split(separator: "\n").contains { $0.hasPrefix("anonymization") && $0.hasSuffix(" off") })
    }

    /// SIGKILL in the middle of the synthesis, then the same command again: the stimuli are the uninterrupted run's.
    @Test func killedExportResumes() throws {
        let dir = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let records = try Self.nights(dir)
        let whole = "\(dir)/whole.stim", killed = "\(dir)/killed/k.stim"
        try FileManager.default.createDirectory(atPath: "\(dir)/killed", withIntermediateDirectories: true)
        _ = try StimBinary.json(["export"] + records + Self.options(whole, count: 150))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: StimBinary.path)
        process.arguments = ["export"] + records + Self.options(killed, count: 150)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill once the journal holds some stimuli (a record is 8 + 8 + 8 + 4 × 122 bytes after a 40-byte head).
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline {
            let size = (try? FileManager.default.attributesOfItem(atPath: killed + ".journal")[.size] as? Int) ?? 0
            if size >= 40 + 30 * 512 { break }
            usleep(2_000)
        }
        let wasRunning = process.isRunning
        if wasRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(wasRunning, "the export finished before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: killed))

        let report = try StimBinary.json(["export"] + records + Self.options(killed, count: 150))
        #expect(report["stimuli"] as? Int == 150)
        let a = try DatasetReader(path: whole).chunk(at: 0), b = try DatasetReader(path: killed).chunk(at: 0)
        #expect(a.samples == b.samples && a.labels == b.labels && a.targetClass == b.targetClass)
    }

    @Test func badExportsGiveClearErrors() throws {
        let dir = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let records = try Self.nights(dir)
        let all = try StimBinary.run(["export"] + records + ["--rate", "1", "--out", "\(dir)/x.stim", "--holdout", "4"])
        #expect(all.status != 0 && all.stderr.contains("leaves none to train the teacher"))
        let none = try StimBinary.run(["export", "--out", "\(dir)/x.stim"])
        #expect(none.status != 0)
        let threshold = try StimBinary.run(["export"] + records + ["--out", "\(dir)/x.stim", "--threshold-min", "0.99",
                                                                   "--threshold-max", "0.9"])
        #expect(threshold.status != 0 && threshold.stderr.contains("--threshold-min"))
        let named = try StimBinary.run(["export"] + records + ["--rate", "1", "--out", "\(dir)/x.stim",
                                                               "--holdout-records", "nobody"])
        #expect(named.status != 0 && named.stderr.contains("no record named 'nobody'"))
        let slice = try StimBinary.run(["export"] + records + ["--rate", "1", "--out", "\(dir)/x.stim", "--membership-slice", "0.7"])
        #expect(slice.status != 0 && slice.stderr.contains("--membership-slice"))
        let noSlice = try StimBinary.run(["export"] + records + ["--rate", "1", "--out", "\(dir)/x.stim", "--membership-slice", "0"])
        #expect(noSlice.status != 0 && noSlice.stderr.contains("--no-report"))
    }
}
