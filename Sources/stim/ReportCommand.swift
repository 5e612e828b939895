import ArgumentParser
import Foundation
import StimRuntime

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a night from the night store as one self-contained HTML page.",
        discussion: """
            The page has inline CSS and SVG and no scripts or external files: the summary figures with their \
            definitions, every minute's apnea probability and label (unscored minutes in their quality flag's \
            colour), the belt signal's trace, and a table of every minute. Without --night, a store with one night \
            renders it; with several, the nights are listed (and --out writes the list as a page).
            """
    )

    @Option(help: "The night store (SQLite) that `stim score` writes.")
    var db: String

    @Option(help: "The night to render (as `stim report --db FILE` lists them).")
    var night: String?

    @Option(help: "HTML file to write (default: stdout, unless --json).")
    var out: String?

    @Flag(help: "Print one JSON object (the night's summary, or the list of nights) instead of text.")
    var json = false

    func run() throws {
        // Opening creates a store; a report of a mistyped path must not leave an empty one behind.
        guard FileManager.default.fileExists(atPath: db) else { throw CommandError("no night store at \(db)") }
        let store = try NightStore(path: db)
        let nights = try store.nights()
        guard !nights.isEmpty else { throw CommandError("\(db) holds no nights yet") }
        if let night, !nights.contains(night) {
            throw CommandError("\(db) holds no night '\(night)'; it holds \(nights.joined(separator: ", "))")
        }
        guard let chosen = night ?? (nights.count == 1 ? nights[0] : nil) else {
            let listed = try nights.map { (name: $0, summary: NightSummary(try store.minutes(night: $0))) }
            if let out { try write(NightReport.index(nights: listed), to: out) }
            if json {
                try Output.json(listed.map { NightListing(night: $0.name, summary: $0.summary) })
            } else {
                Output.table(listed.map { ($0.name, String(format: "%d minutes, %d apnea, index %.2f per hour",
                                                           $0.summary.minutes, $0.summary.apneaMinutes, $0.summary.apneaIndex)) })
                Output.status("\(nights.count) nights: choose one with --night NAME")
            }
            return
        }
        let report = NightReport(night: chosen, minutes: try store.minutes(night: chosen))
        let html = report.html()
        if let out { try write(html, to: out) } else if !json { print(html, terminator: "") }
        if json {
            try Output.json(NightListing(night: chosen, summary: report.summary, out: out))
        } else if let out {
            Output.status("wrote \(out): night \(chosen), \(report.summary.minutes) minutes")
        }
    }

    private func write(_ html: String, to path: String) throws {
        do { try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CommandError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// A night and its figures, as `stim report --json` prints them.
struct NightListing: Encodable {
    var night: String
    var summary: NightSummary
    var out: String?
}
