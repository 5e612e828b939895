import Foundation
import Testing
import StimTestSupport
@testable import StimRuntime

@Suite(.enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
struct NightReportTests {
    /// Three hours from 23:00 UTC: apnea runs, every quality flag, a stretch with no minutes stored (the daemon
    /// was down), and a breathing-like signal.
    static func night() -> [ScoredMinute] {
        let flags = SignalQuality.allCases.filter { $0 != .good }
        return (0..<180).filter { !(100..<110).contains($0) }.map { m in
            let start = 1_795_906_800 + Double(m) * 60
            let signal = (0..<60).map { s in Float(sin(Double(m * 60 + s) * 2 * .pi / 4.5)) }
            if m % 17 == 5 { return ScoredMinute(minute: m, start: start, quality: flags[m % flags.count], signal: signal) }
            let apnea = (30..<42).contains(m) || (120..<125).contains(m) || m % 23 == 0
            let probability: Float = apnea ? 0.6 + Float(m % 4) / 10 : Float(m % 5) / 10
            return ScoredMinute(minute: m, start: start, quality: .good, apneaProbability: probability, apnea: apnea, signal: signal)
        }
    }

    /// Reads the page with Python's html.parser: tags must nest and close (void elements aside), and the page must
    /// load nothing: no script, no src, no href or url() that leaves the page.
    static let checker = """
        import json, sys
        from html.parser import HTMLParser
        VOID = {"meta", "br", "img", "hr", "input", "link"}
        class Page(HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.stack, self.problems, self.strip, self.rows, self.figures = [], [], [], [], {}
                self.cell, self.row = None, None
            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "script" or "src" in a or any(k.startswith("on") for k in a):
                    self.problems.append("loads or runs something: <%s %s>" % (tag, a))
                if "href" in a and not a["href"].startswith("#"):
                    self.problems.append("links out: " + a["href"])
                if tag == "rect" and "minute" in a.get("class", "").split():
                    self.strip.append((int(a["data-minute"]), a["class"].split()[1]))
                if tag == "tr": self.row = []
                if tag in ("td", "th"): self.cell = ""
                if tag not in VOID: self.stack.append(tag)
            def handle_startendtag(self, tag, attrs):
                a = dict(attrs)
                if tag == "rect" and "minute" in a.get("class", "").split():
                    self.strip.append((int(a["data-minute"]), a["class"].split()[1]))
            def handle_endtag(self, tag):
                if tag in ("td", "th") and self.row is not None: self.row.append(self.cell.strip()); self.cell = None
                if tag == "tr" and self.row is not None:
                    self.rows.append(self.row); self.row = None
                if not self.stack or self.stack[-1] != tag:
                    self.problems.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
                else:
                    self.stack.pop()
            def handle_data(self, data):
                if self.cell is not None: self.cell += data
                if "url(" in data and "url(#" not in data: self.problems.append("url() in " + data[:40])
        page = Page()
        page.feed(sys.stdin.read()); page.close()
        if page.stack: page.problems.append("left open: " + " ".join(page.stack))
        print(json.dumps({"problems": page.problems, "strip": page.strip, "rows": page.rows}))
        """

    struct Parsed: Decodable {
        var problems: [String]
        var strip: [[Value]]
        var rows: [[String]]
        enum Value: Decodable {
            case int(Int), text(String)
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let int = try? container.decode(Int.self) { self = .int(int) } else { self = .text(try container.decode(String.self)) }
            }
        }
    }

    static func parse(_ html: String) throws -> Parsed {
        try JSONDecoder().decode(Parsed.self, from: Data(try PythonEnvironment.run(["-c", checker], input: Data(html.utf8)).utf8))
    }

    @Test func everyMinuteAndTheSummaryInWellFormedHTML() throws {
        let minutes = Self.night()
        let report = NightReport(night: "2026-11-23 <ward 3>", minutes: minutes.reversed())
        let html = report.html()
        let parsed = try Self.parse(html)
        #expect(parsed.problems == [])
        #expect(html.contains("2026-11-23 &lt;ward 3&gt;"))
        // The label strip: each stored minute once, in its category; none of the missing ones.
        let strip = parsed.strip.compactMap { pair -> (Int, String)? in
            guard case .int(let m)? = pair.first, case .text(let c)? = pair.last else { return nil }
            return (m, c)
        }
        #expect(strip.map(\.0) == minutes.map(\.minute))
        #expect(strip.map(\.1) == minutes.map(NightTimeline.category))
        // The minute table: one row per stored minute with its probability or "not scored".
        let table = parsed.rows.filter { $0.count == 5 && Int($0[0]) != nil }
        #expect(table.map { Int($0[0]) } == minutes.map(\.minute))
        for (row, minute) in zip(table, minutes) {
            #expect(row[2] == minute.quality.rawValue)
            #expect(row[3] == (minute.apneaProbability.map { String(format: "%.3f", $0) } ?? "not scored"))
        }
        #expect(table.first?[1] == "23:00")
        // The summary figures, read back from the page, are NightSummary's.
        let summary = NightSummary(minutes)
        let figures = Dictionary(parsed.rows.filter { $0.count == 3 }.map { ($0[0], $0[1]) }, uniquingKeysWith: { a, _ in a })
        #expect(figures["Minutes"] == "\(summary.minutes)")
        #expect(figures["Scored minutes"] == "\(summary.scoredMinutes)")
        #expect(figures["Apnea minutes"] == "\(summary.apneaMinutes)")
        #expect(figures["Apnea index"] == String(format: "%.2f per hour", summary.apneaIndex))
        #expect(figures["Longest episode"] == "\(summary.longestEpisodeMinutes) min")
        for (flag, count) in summary.quality { #expect(figures["Quality: \(flag)"] == "\(count)") }
        // 30-38 (minute 39 is flagged), 40-41, 120-123 (124 flagged): the longest run is 9.
        #expect(summary.minutes == 170 && summary.longestEpisodeMinutes == 9 && summary.quality.count == 6)
    }

    @Test func nightWithoutSignalOrScoresStillRenders() throws {
        let minutes = (0..<5).map { ScoredMinute(minute: $0, start: Double($0) * 60, quality: .disconnected) }
        let html = NightReport(night: "n", minutes: minutes).html()
        let parsed = try Self.parse(html)
        #expect(parsed.problems == [])
        #expect(html.contains("no signal samples were stored"))
        #expect(parsed.strip.count == 5)
        let index = NightReport.index(nights: [("a", NightSummary(minutes)), ("b & c", NightSummary([]))])
        let listed = try Self.parse(index)
        #expect(listed.problems == [])
        #expect(listed.rows.dropFirst().map(\.first) == ["a", "b & c"])
    }
}
