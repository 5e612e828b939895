import Foundation
import StimRuntime
import StimTestSupport
import Testing

/// The daemon's night store across failures: a kill -9 in the middle of a night and a full disk. The store
/// (SQLite) must end up with every minute exactly once, equal to `stim classify`'s.
@Suite(.serialized) struct DaemonRestartTests {
    let simulated = ClassifyScoreTests.simulated

    func lines() throws -> [String] {
        BeltLines.csv(try ClassifyScoreTests.channels("\(simulated.dir)/sim02.hea"))
    }

    func classified() throws -> [String] {
        let minutes = try ClassifyScoreTests.classify(simulated.model, "\(simulated.dir)/sim02.hea")["minutes"] as? [[String: Any]]
        return ClassifyScoreTests.comparable(minutes ?? [])
    }

    /// The stored minutes as the daemon writes them, for comparison with classify's.
    func stored(_ path: String, night: String) throws -> [String] {
        try NightStore(path: path).minutes(night: night).map { m in
            "\(m.minute) \(m.quality.rawValue) \(m.apneaProbability.map { "\($0)" } ?? "") \(m.apnea.map { $0 ? "apnea" : "normal" } ?? "")"
        }
    }

    func append(_ lines: ArraySlice<String>, to path: String) throws {
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try file.seekToEnd()
        file.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        try file.close()
    }

    @Test func killNineAndRestartLosesAndRepeatsNothing() throws {
        let all = try lines()
        let path = "\(simulated.dir)/kill-\(UUID().uuidString).csv", db = ClassifyScoreTests.freshStore()
        FileManager.default.createFile(atPath: path, contents: nil)
        let arguments = ["score", "--model", simulated.model, "--rate", "10", "--input", path, "--follow", "--db", db,
                         "--night", "kill-test", "--no-rate-check"]
        try append(all[0..<18_000], to: path)  // 30 minutes of the night so far
        let first = try DaemonProcess(arguments)
        first.waitForMinutes(25, timeout: 30)
        first.signal(SIGKILL)
        #expect(first.finish().status == SIGKILL)
        let before = first.lines.compactMap { $0["minute"] as? Int }
        #expect(before.count >= 25)

        try append(all[18_000...], to: path)  // the rest of the night, while no daemon runs
        let second = try DaemonProcess(arguments)
        second.waitForMinutes(59 - before.count, timeout: 30)
        second.signal(SIGTERM)
        let end = second.finish()
        #expect(end.status == 0)
        #expect(end.stderr.contains("night kill-test in \(db): resuming after minute"))
        let after = second.lines.compactMap { $0["minute"] as? Int }
        // Written minutes: none twice; stored minutes: 0 to 58 once each (59 of 60 while following), as classify.
        #expect(Set(before).isDisjoint(with: after))
        let night = try stored(db, night: "kill-test")
        #expect(night.map { Int($0.split(separator: " ")[0]) } == Array(0..<night.count))
        let reference = try classified()
        #expect(night.count >= 59 && Array(night.prefix(59)) == Array(reference.prefix(59)))
        // Once the file stops growing for longer than the gap limit, the silence completes minutes, flagged, unscored.
        #expect(night.dropFirst(59).allSatisfy { $0.hasSuffix("  ") }, "\(night.dropFirst(59))")
    }

    /// A file-size limit stops the store: status 3 and a clear message; the minutes stored are the ones written;
    /// a restart without the limit finishes the night with nothing lost or repeated.
    @Test func fullDiskStopsSafelyAndRestartResumes() throws {
        let all = try lines()
        let path = "\(simulated.dir)/full-\(UUID().uuidString).csv", db = ClassifyScoreTests.freshStore()
        try (all.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let arguments = ["score", "--model", simulated.model, "--rate", "10", "--input", path, "--db", db,
                         "--night", "full-test", "--no-rate-check"]
        let limited = try DaemonProcess(arguments, fileSizeLimit: 48)
        let end = limited.finish()
        #expect(end.status == 3, "\(end.stderr)")
        #expect(end.stderr.contains("was not stored") && end.stderr.contains("a restart resumes after them"), "\(end.stderr)")
        let written = limited.lines.count
        #expect(written > 0 && written < 60)
        #expect(try stored(db, night: "full-test").count == written)

        let again = try DaemonProcess(arguments)
        #expect(again.finish().status == 0)
        #expect(again.lines.first?["minute"] as? Int == written)
        #expect(try stored(db, night: "full-test") == (try classified()))
    }
}
