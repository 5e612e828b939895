import Foundation
import StimRuntime
import StimSignals
import StimTestSupport
import Testing

/// `stim classify` and the `stim score` daemon: the same minutes from a recording and from its samples streamed,
/// metrics checked against scikit-learn, the daemon's input handling, quality flags and signals.
@Suite(.serialized) struct ClassifyScoreTests {
    /// Three simulated 1-hour nights at 10 Hz and a small MLP trained on the first two (as a user would).
    static let simulated: (dir: String, model: String) = {
        let dir = (try? StimBinary.temporaryDirectory()) ?? NSTemporaryDirectory()
        _ = try? StimBinary.run(["simulate", "--out", dir, "--persons", "3", "--hours", "1", "--rate", "10"])
        _ = try? StimBinary.run(["windows", "\(dir)/sim00.hea", "\(dir)/sim01.hea", "--rate", "1", "--out", "\(dir)/w.stim"])
        _ = try? StimBinary.run(["train", "\(dir)/w.stim", "--out", "\(dir)/m.stimm", "--model", "mlp", "--epochs", "5"])
        return (dir, "\(dir)/m.stimm")
    }()

    static func channels(_ record: String, _ names: [String] = ["Resp C", "Resp A"]) throws -> [[Float]] {
        let rec = try RecordingLoader.load(path: record, channels: names).recording
        return names.map { rec.signal(named: $0)!.samples }
    }

    /// A store of its own for one daemon run, so that no run resumes another's night.
    static func freshStore() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("stim-night-\(UUID().uuidString).sqlite").path
    }

    static func classify(_ model: String, _ record: String) throws -> [String: Any] {
        try StimBinary.json(["classify", model, record])
    }

    /// The per-minute fields both commands write; `start` differs (recording time vs the epoch).
    static func comparable(_ minutes: [[String: Any]]) -> [String] {
        minutes.map { m in
            "\(m["minute"] ?? "") \(m["quality"] ?? "") \(m["probability"].map { "\($0)" } ?? "") \(m["label"] ?? "")"
        }
    }

    @Test func classifyAndScoreAgreeOnASimulatedNight() throws {
        let (dir, model) = Self.simulated
        let record = "\(dir)/sim02.hea"
        let classified = try Self.classify(model, record)
        let minutes = try #require(classified["minutes"] as? [[String: Any]])
        #expect(minutes.count == 60)

        var lines = BeltLines.csv(try Self.channels(record))
        lines.insert("garbage,1", at: 3)
        lines.insert("1,2,3", at: 100)
        let daemon = try DaemonProcess(["score", "--db", Self.freshStore(), "--model", model, "--rate", "10", "--no-rate-check"])
        daemon.write(lines.joined(separator: "\n") + "\n")
        daemon.closeInput()
        let end = daemon.finish()
        #expect(end.status == 0, "\(end.stderr)")
        #expect(Self.comparable(daemon.lines) == Self.comparable(minutes))
        #expect(end.stderr.contains("line 4: 'garbage' is not a number (skipped)"))
        #expect(end.stderr.contains("line 101: 3 values where 2 channels were stated (skipped)"))
        #expect(end.stderr.contains("60 minutes written (60 scored), 2 malformed lines skipped"))

        // The metrics are scikit-learn's on the same pairs of labels.
        let metrics = try #require(classified["metrics"] as? [String: Any])
        let pairs = minutes.compactMap { m -> [Int]? in
            guard let label = m["label"] as? String, let reference = m["reference"] as? String else { return nil }
            return [reference == "apnea" ? 1 : 0, label == "apnea" ? 1 : 0]
        }
        #expect(metrics["compared"] as? Int == pairs.count)
        if let reason = PythonEnvironment.unavailableReason {
            Issue.record("scikit-learn cross-check not run: \(reason)")
            return
        }
        let script = """
            import json, sys
            from sklearn.metrics import accuracy_score, cohen_kappa_score, recall_score
            pairs = json.load(sys.stdin); t = [p[0] for p in pairs]; y = [p[1] for p in pairs]
            print(json.dumps([accuracy_score(t, y), cohen_kappa_score(t, y), recall_score(t, y, pos_label=1),
                              recall_score(t, y, pos_label=0)]))
            """
        let reference = try JSONSerialization.jsonObject(
            with: Data(try PythonEnvironment.run(["-c", script], input: try JSONSerialization.data(withJSONObject: pairs)).utf8))
            as? [Double] ?? []
        let ours = ["accuracy", "kappa", "sensitivity", "specificity"].map { metrics[$0] as? Double ?? .nan }
        #expect(reference.count == 4)
        for (a, b) in zip(ours, reference) { #expect(abs(a - b) < 1e-12, "\(ours) vs scikit-learn \(reference)") }
    }

    /// Integer samples as CSV and as little-endian int16 frames give the same minutes.
    @Test func int16FramesEqualCsv() throws {
        let (dir, model) = Self.simulated
        let counts = try Self.channels("\(dir)/sim01.hea").map { $0.map { ($0.isNaN ? 0 : $0 * 10000).rounded() } }
        let csv = try DaemonProcess(["score", "--db", Self.freshStore(), "--model", model, "--rate", "10", "--no-rate-check"])
        csv.write(BeltLines.csv(counts).joined(separator: "\n"))
        csv.closeInput()
        #expect(csv.finish().status == 0)
        let raw = try DaemonProcess(["score", "--db", Self.freshStore(), "--model", model, "--rate", "10", "--format", "int16", "--no-rate-check"])
        raw.write(BeltLines.int16(counts))
        raw.closeInput()
        let end = raw.finish()
        #expect(end.status == 0, "\(end.stderr)")
        #expect(raw.lines.count == 60 && Self.comparable(raw.lines) == Self.comparable(csv.lines))
    }

    /// A file followed while this process appends to it, then truncated and written again; SIGTERM ends it with 0.
    @Test func followsAGrowingFileAndStopsOnSigterm() throws {
        let (dir, model) = Self.simulated
        let lines = BeltLines.csv(try Self.channels("\(dir)/sim02.hea"))
        let path = "\(dir)/belt-\(UUID().uuidString).csv"
        FileManager.default.createFile(atPath: path, contents: Data((lines[0..<3000].joined(separator: "\n") + "\n").utf8))
        let daemon = try DaemonProcess(["score", "--db", Self.freshStore(), "--model", model, "--rate", "10", "--input", path, "--follow",
                                        "--no-rate-check"])
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try file.seekToEnd()
        var next = 3000
        while next < lines.count {  // 10-minute pieces, 50 ms apart
            let end = min(lines.count, next + 6000)
            file.write(Data((lines[next..<end].joined(separator: "\n") + "\n").utf8))
            next = end
            Thread.sleep(forTimeInterval: 0.05)
        }
        daemon.waitForMinutes(59, timeout: 20)
        let followed = daemon.lines
        // The last minute is complete only once the filter sees the end of the night: 59 of 60 while following.
        let classified = try #require(try Self.classify(model, "\(dir)/sim02.hea")["minutes"] as? [[String: Any]])
        #expect(followed.count == 59 && Self.comparable(followed) == Self.comparable(Array(classified.prefix(59))))

        try file.truncate(atOffset: 0)
        Thread.sleep(forTimeInterval: 0.3)
        file.write(Data((lines[1...1200].joined(separator: "\n") + "\n").utf8))
        // Minute 60 may already be out, flagged by the silence while this test ran `stim classify`: a SIGTERM sent
        // on it alone could land before the daemon reads the file again, so the notice is waited for too.
        daemon.waitForStatus(containing: "was truncated", timeout: 10)
        daemon.waitForMinutes(60, timeout: 10)
        daemon.signal(SIGTERM)
        let end = daemon.finish()
        try? file.close()
        #expect(end.status == 0)
        #expect(end.stderr.contains("was truncated: reading it again from its start"))
        #expect(end.stderr.contains("stopped by a signal"))
        #expect(daemon.lines.count >= 60)
    }

    /// A followed FIFO whose writer comes and goes (a belt reader restarted): the stream goes on across writers.
    @Test func followedFifoOutlivesItsWriters() throws {
        let (dir, model) = Self.simulated
        let lines = BeltLines.csv(try Self.channels("\(dir)/sim02.hea"))
        let fifo = "\(dir)/belt-\(UUID().uuidString).fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let daemon = try DaemonProcess(["score", "--db", Self.freshStore(), "--model", model, "--rate", "10", "--input", fifo,
                                        "--follow", "--no-rate-check"])
        for part in [lines[0..<12_000], lines[12_000..<24_001]] {
            let writer = try #require(FileHandle(forWritingAtPath: fifo))
            writer.write(Data((part.joined(separator: "\n") + "\n").utf8))
            try writer.close()
            Thread.sleep(forTimeInterval: 0.2)
        }
        daemon.waitForMinutes(39, timeout: 20)
        daemon.signal(SIGTERM)
        #expect(daemon.finish().status == 0)
        let classified = try #require(try Self.classify(model, "\(dir)/sim02.hea")["minutes"] as? [[String: Any]])
        #expect(daemon.lines.count == 39 && Self.comparable(daemon.lines) == Self.comparable(Array(classified.prefix(39))))
    }

    /// The belt falls silent for 5 minutes of a stream running 60× real time: 5 disconnected minutes, then
    /// scoring resumes. The silence is counted on the wall clock, so minute indices keep to time.
    @Test func unpluggedBeltOnALiveStream() throws {
        let (dir, model) = Self.simulated
        let lines = BeltLines.csv(try Self.channels("\(dir)/sim02.hea").map { s in stride(from: 0, to: s.count, by: 10).map { s[$0] } },
                                  header: false)
        let daemon = try DaemonProcess(["score", "--db", Self.freshStore(), "--model", model, "--rate", "1", "--speed", "60", "--max-gap", "20",
                                        "--no-rate-check"])
        let pace = 1.0 / 60
        for (k, line) in lines[0..<180].enumerated() {
            daemon.write(line + "\n")
            if k % 5 == 4 { Thread.sleep(forTimeInterval: 5 * pace) }
        }
        Thread.sleep(forTimeInterval: 300 * pace)
        for (k, line) in lines[180..<360].enumerated() {
            daemon.write(line + "\n")
            if k % 5 == 4 { Thread.sleep(forTimeInterval: 5 * pace) }
        }
        daemon.closeInput()
        let end = daemon.finish()
        #expect(end.status == 0, "\(end.stderr)")
        let quality = daemon.lines.map { $0["quality"] as? String ?? "" }
        #expect(quality.count == 11)
        #expect(Array(quality[0..<3]) == ["good", "good", "good"])
        #expect(Array(quality[3..<8]) == Array(repeating: "disconnected", count: 5), "\(quality)")
        // The writer's pauses stretch the silence a few seconds into minute 8: a short gap there, or none.
        #expect(["good", "gap"].contains(quality[8]) && quality[9] == "good" && quality[10] == "good", "\(quality)")
    }

    @Test func badInputGivesClearErrors() throws {
        let (dir, model) = Self.simulated
        let wrong = try StimBinary.run(["score", "--model", model, "--rate", "10", "--channels", "3"])
        #expect(wrong.status != 0 && wrong.stderr.contains("the model takes 2 channels"))
        let csv = "\(dir)/other-\(UUID().uuidString).csv"
        try "x,y\n1,2\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let channel = try StimBinary.run(["classify", model, csv, "--csv-rate", "1"])
        #expect(channel.status != 0 && channel.stderr.contains("no signal named 'Resp C'"), "\(channel.stderr)")
        let rate = try StimBinary.run(["score", "--model", model, "--rate", "1.01"])
        #expect(rate.status != 0 && rate.stderr.contains("does not give a whole number of samples per minute"))
        let missing = try StimBinary.run(["score", "--model", model, "--rate", "1", "--input", "\(dir)/none.csv"])
        #expect(missing.status != 0 && missing.stderr.contains("none.csv: No such file"))
        let range = try StimBinary.run(["classify", model, "\(dir)/sim02.hea", "--range", "5:1"])
        #expect(range.status != 0 && range.stderr.contains("--range must be LOW:HIGH"))
        let help = try StimBinary.run(["help", "score"])
        #expect(help.stdout.contains("SIGTERM") && help.stdout.contains("disconnected"))
    }

    /// The 8th Apnea-ECG belt record classified by a student trained on the other 7 (record split), through
    /// `stim classify` and through `stim score` fed its samples in order: identical minutes.
    @Test func realRecordThroughBothPaths() throws {
        guard let folder = SharedData.path("apnea-ecg/resp-1hz") else {
            print(SharedData.absentMessage)
            return
        }
        let dir = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let training = ["a01r", "a02r", "a03r", "a04r", "b01r", "c01r", "c02r"].map { folder.appendingPathComponent("\($0).hea").path }
        let record = folder.appendingPathComponent("c03r.hea").path
        _ = try StimBinary.json(["windows"] + training + ["--rate", "1", "--out", "\(dir)/w.stim"])
        let model = "\(dir)/cnn.stimm"
        let trained = try StimBinary.run(["train", "\(dir)/w.stim", "--out", model, "--epochs", "8"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let classified = try Self.classify(model, record)
        let minutes = try #require(classified["minutes"] as? [[String: Any]])
        let metrics = try #require(classified["metrics"] as? [String: Any])
        print("c03r by a CNN trained on the other 7 belt records: \(metrics)")
        #expect((metrics["accuracy"] as? Double ?? 0) > 0.8)

        let daemon = try DaemonProcess(["score", "--db", Self.freshStore(), "--model", model, "--rate", "1", "--no-rate-check"])
        daemon.write(BeltLines.csv(try Self.channels(record)).joined(separator: "\n") + "\n")
        daemon.closeInput()
        #expect(daemon.finish().status == 0)
        #expect(minutes.count > 400 && Self.comparable(daemon.lines) == Self.comparable(minutes))
    }
}
