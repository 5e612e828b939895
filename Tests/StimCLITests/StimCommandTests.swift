import Foundation
import StimFormats
import StimTestSupport
import Testing

/// The `stim` binary as a user runs it: exit status, stdout, stderr.
enum StimBinary {
    /// Built beside this test bundle (the test target depends on the executable).
    static let path: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("stim").path
    }()

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try Subprocess.capture(path, arguments)
    }

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try run(arguments + ["--json"])
        #expect(r.status == 0, "stim \(arguments.joined(separator: " ")): \(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stim-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

@Suite struct StimCommandTests {
    @Test func helpReadsWell() throws {
        let top = try StimBinary.run(["--help"])
        #expect(top.status == 0)
        for command in ["simulate", "windows", "inspect"] {
            #expect(top.stdout.contains(command))
            let help = try StimBinary.run(["help", command])
            #expect(help.status == 0 && help.stdout.contains("USAGE: stim \(command)"))
        }
        let bad = try StimBinary.run(["windows", "x.hea", "--rate", "0"])
        #expect(bad.status != 0 && bad.stderr.contains("--rate must be a positive number"))
    }

    /// Simulate → windows → dataset → inspect, the demo's path, with counts checked at each step.
    @Test func simulateWindowsInspect() throws {
        let dir = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = try StimBinary.run(["simulate", "--out", dir, "--persons", "2", "--hours", "1", "--rate", "4", "--json"])
        #expect(sim.status == 0)
        let nights = try #require(try JSONSerialization.jsonObject(with: Data(sim.stdout.utf8)) as? [[String: Any]])
        #expect(nights.count == 2)
        let apneaMinutes = nights.compactMap { $0["apnea_minutes"] as? Int }.reduce(0, +)
        let records = nights.map { "\(dir)/\($0["record"] as? String ?? "").hea" }

        let dataset = "\(dir)/windows.stim"
        let windows = try StimBinary.json(["windows"] + records + ["--rate", "1", "--out", dataset])
        #expect(windows["windows"] as? Int == 120)  // every minute of two 1-hour nights
        #expect(windows["apnea"] as? Int == apneaMinutes)

        let info = try StimBinary.json(["inspect", dataset])
        #expect(info["kind"] as? String == "dataset")
        #expect(info["stimuli"] as? Int == 120)
        #expect((info["class_counts"] as? [String: Int])?["apnea"] == apneaMinutes)
        let reader = try DatasetReader(path: dataset)
        #expect(reader.header.input.samplesPerWindow == 60 && reader.header.input.channels.count == 2)
        #expect(reader.header.input.normalization.method == .runningZScore)
        #expect(reader.header.provenance.producer.contains("not anonymized"))
    }

    @Test func damagedFilesGiveClearErrors() throws {
        let dir = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/x.stim"
        try Data("not a dataset at all".utf8).write(to: URL(fileURLWithPath: path))
        let r = try StimBinary.run(["inspect", path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(path): at byte 0: neither a stim dataset nor a stim model"))
        let missing = try StimBinary.run(["windows", "\(dir)/none.hea"])
        #expect(missing.status == 1 && missing.stderr.contains("none.hea"))
    }

    /// A full disk (here: a file-size limit) while writing a dataset: a clear error, and no file left behind.
    @Test func fullDiskLeavesNoFile() throws {
        let dir = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try StimBinary.run(["simulate", "--out", dir, "--persons", "1", "--hours", "2", "--rate", "1"]).status == 0)
        let out = "\(dir)/w.stim"
        let script = "ulimit -f 8; exec \"$0\" windows \"$1\" --out \"$2\""
        let r = try Subprocess.capture("/bin/bash", ["-c", script, StimBinary.path, "\(dir)/sim00.hea", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("w.stim") && r.stderr.contains("write failed"))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
    }

    /// The issue's figures through the command line: 3,951 windows of which 1,609 apnea.
    @Test(.enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func realRespirationRecords() throws {
        let folder = try #require(SharedData.path("apnea-ecg/resp-1hz")).path
        let records = ["a01r", "a02r", "a03r", "a04r", "b01r", "c01r", "c02r", "c03r"].map { "\(folder)/\($0).hea" }
        let windows = try StimBinary.json(["windows"] + records + ["--rate", "1"])
        #expect(windows["windows"] as? Int == 3951)
        #expect(windows["apnea"] as? Int == 1609)
    }
}
