import Foundation
import StimRuntime
import StimTestSupport
import Testing

@Suite struct ReportCommandTests {
    static func minute(_ m: Int) -> ScoredMinute {
        m % 9 == 4 ? ScoredMinute(minute: m, start: Double(m) * 60, quality: .gap)
            : ScoredMinute(minute: m, start: Double(m) * 60, quality: .good, apneaProbability: Float(m % 10) / 10,
                           apnea: m % 10 >= 5, signal: (0..<60).map { Float($0 % 5) })
    }

    @Test func rendersOneNightAndListsSeveral() throws {
        let dir = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = "\(dir)/nights.db"
        let store = try NightStore(path: db)
        for m in 0..<90 { try store.append(Self.minute(m), night: "2026-11-22") }

        // One night: rendered without --night, to stdout or a file, with NightSummary's figures.
        let html = try StimBinary.run(["report", "--db", db])
        #expect(html.status == 0 && html.stdout.hasPrefix("<!DOCTYPE html>") && html.stdout.contains("data-minute=\"89\""))
        let written = try StimBinary.json(["report", "--db", db, "--out", "\(dir)/night.html"])
        let summary = NightSummary(try store.minutes(night: "2026-11-22"))
        let figures = try #require(written["summary"] as? [String: Any])
        #expect(figures["minutes"] as? Int == 90 && figures["apnea_minutes"] as? Int == summary.apneaMinutes)
        #expect(figures["apnea_index"] as? Double == summary.apneaIndex)
        #expect(try String(contentsOfFile: "\(dir)/night.html", encoding: .utf8) == html.stdout)

        // Two nights: listed, and one chosen by name.
        for m in 0..<30 { try store.append(Self.minute(m), night: "2026-11-23") }
        let list = try StimBinary.run(["report", "--db", db])
        #expect(list.status == 0 && list.stdout.contains("2026-11-22") && list.stdout.contains("2026-11-23"))
        #expect(list.stderr.contains("2 nights: choose one with --night NAME") && !list.stdout.contains("<html"))
        let chosen = try StimBinary.json(["report", "--db", db, "--night", "2026-11-23", "--out", "\(dir)/n.html"])
        #expect((chosen["summary"] as? [String: Any])?["minutes"] as? Int == 30)

        let unknown = try StimBinary.run(["report", "--db", db, "--night", "2026-11-24"])
        #expect(unknown.status != 0 && unknown.stderr.contains("holds no night '2026-11-24'; it holds 2026-11-22, 2026-11-23"))
        let missing = try StimBinary.run(["report", "--db", "\(dir)/none.db"])
        #expect(missing.status != 0 && missing.stderr.contains("no night store at \(dir)/none.db"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/none.db"))
        try Data("not sqlite".utf8).write(to: URL(fileURLWithPath: "\(dir)/bad.db"))
        let bad = try StimBinary.run(["report", "--db", "\(dir)/bad.db"])
        #expect(bad.status != 0 && bad.stderr.contains("not a database"))
    }
}
