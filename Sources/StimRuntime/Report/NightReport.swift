import Foundation

/// A night as one self-contained HTML page: inline CSS and SVG, no scripts, no external assets, so that it
/// opens from a USB stick or an e-mail the same way. It shows the `NightSummary` figures with their definitions,
/// the apnea probability and label of every minute (unscored minutes in their quality flag's colour), the belt
/// signal's trace, and a table of every minute.
public struct NightReport {
    public let night: String
    public let minutes: [ScoredMinute]
    public let summary: NightSummary

    public init(night: String, minutes: [ScoredMinute]) {
        self.night = night
        self.minutes = minutes.sorted { $0.minute < $1.minute }
        summary = NightSummary(minutes)
    }

    /// The summary's figures as the report prints them, with their exact definitions (the tests read them back).
    public var figures: [(name: String, value: String, definition: String)] {
        var rows = [
            ("Minutes", "\(summary.minutes)", "minutes of the night in the store, scored or not"),
            ("Scored minutes", "\(summary.scoredMinutes)", "minutes whose signal was good, so the student classified them"),
            ("Apnea minutes", "\(summary.apneaMinutes)", "scored minutes the student labelled apnea"),
            ("Apnea index", String(format: "%.2f per hour", summary.apneaIndex),
             "apnea minutes per hour of recording: apnea minutes ÷ (minutes ÷ 60), unscored minutes included in the hours"),
            ("Longest episode", "\(summary.longestEpisodeMinutes) min",
             "the longest run of consecutive apnea minutes; an unscored or missing minute ends a run"),
        ]
        for quality in SignalQuality.allCases {
            guard let count = summary.quality[quality.rawValue] else { continue }
            rows.append(("Quality: \(quality.rawValue)", "\(count)", Self.qualityMeaning(quality)))
        }
        return rows
    }

    static func qualityMeaning(_ quality: SignalQuality) -> String {
        switch quality {
        case .good: return "minutes with a usable signal (scored)"
        case .flat: return "a channel did not change for the whole minute (not scored)"
        case .saturated: return "a channel sat at its recorder's limit for much of the minute (not scored)"
        case .disconnected: return "no samples arrived for longer than the gap limit (not scored)"
        case .gap: return "samples were missing or invalid for longer than can be bridged (not scored)"
        case .wrongRate: return "samples arrived at a rate other than the stated one (not scored)"
        }
    }

    public func html() -> String {
        let timeline = NightTimeline(minutes)
        let title = "stim night report: \(htmlEscaped(night))"
        let span = minutes.first.map { "\(timeline.clock($0.start)) to \(timeline.clock(minutes[minutes.count - 1].start + 60))" } ?? "no minutes"
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(title)</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <h1>\(title)</h1>
            <p class="sub">\(span)\(minutes.first.map { $0.start >= 946_684_800 ? " UTC" : " since the recording's start" } ?? ""). \
            A screening aid from a belt signal, not a diagnosis.</p>
            <h2>Summary</h2>
            <table class="summary"><thead><tr><th>Figure</th><th>Value</th><th>Definition</th></tr></thead><tbody>

            """
        for figure in figures {
            page += "<tr><th>\(htmlEscaped(figure.name))</th><td class=\"value\">\(htmlEscaped(figure.value))</td><td>\(htmlEscaped(figure.definition))</td></tr>\n"
        }
        page += "</tbody></table>\n<h2>Apnea probability per minute</h2>\n<p class=\"legend\">"
        for category in ["apnea", "normal"] + SignalQuality.allCases.filter { $0 != .good }.map(\.rawValue) {
            page += #"<span class="key \#(category)"></span>\#(category) "#
        }
        page += "</p>\n" + timeline.probabilitySVG() + "\n<h2>Belt signal</h2>\n" + timeline.signalSVG() + "\n"
        page += """
            <details><summary>Every minute (\(minutes.count))</summary>
            <table class="minutes"><thead><tr><th>Minute</th><th>Time</th><th>Quality</th><th>Apnea probability</th><th>Label</th></tr></thead><tbody>

            """
        for minute in minutes {
            let probability = minute.apneaProbability.map { String(format: "%.3f", $0) } ?? "not scored"
            let label = minute.apnea.map { $0 ? "apnea" : "normal" } ?? "—"
            page += "<tr class=\"\(NightTimeline.category(minute))\"><td>\(minute.minute)</td><td>\(timeline.clock(minute.start))</td>"
                + "<td>\(minute.quality.rawValue)</td><td>\(probability)</td><td>\(label)</td></tr>\n"
        }
        return page + "</tbody></table></details>\n</body>\n</html>\n"
    }

    /// A list of nights, for a store that holds several when none was chosen.
    public static func index(nights: [(name: String, summary: NightSummary)]) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>stim nights</title><style>\(style)</style></head>
            <body><h1>stim nights</h1>
            <p class="sub">Choose one with <code>stim report --night NAME</code>.</p>
            <table class="summary"><thead><tr><th>Night</th><th>Minutes</th><th>Scored</th><th>Apnea minutes</th><th>Apnea index</th></tr></thead><tbody>

            """
        for (name, summary) in nights {
            page += "<tr><th>\(htmlEscaped(name))</th><td>\(summary.minutes)</td><td>\(summary.scoredMinutes)</td>"
                + "<td>\(summary.apneaMinutes)</td><td>\(String(format: "%.2f", summary.apneaIndex))</td></tr>\n"
        }
        return page + "</tbody></table>\n</body>\n</html>\n"
    }

    private static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:1080px;color:#222}\
        h1{font-size:22px;margin:0}h2{font-size:16px;margin:22px 0 6px}.sub{color:#666;margin:4px 0 12px}\
        table{border-collapse:collapse}th,td{padding:3px 10px;text-align:left;border-bottom:1px solid #ddd;vertical-align:top}\
        .summary td.value{font-weight:600;white-space:nowrap}svg{width:100%;height:auto;display:block}\
        .grid{stroke:#ddd}.tick{stroke:#888}.axis{font-size:10px;fill:#666}.signal{stroke:#2c3e50;stroke-width:1;fill:none}\
        .apnea{fill:#c0392b}.normal{fill:#5dade2}.flat{fill:#95a5a6}.saturated{fill:#e67e22}.disconnected{fill:#34495e}\
        .gap{fill:#bdc3c7}.wrong-rate{fill:#8e44ad}.bar.unscored{opacity:.25}\
        .key{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}\
        span.apnea{background:#c0392b}span.normal{background:#5dade2}span.flat{background:#95a5a6}\
        span.saturated{background:#e67e22}span.disconnected{background:#34495e}span.gap{background:#bdc3c7}\
        span.wrong-rate{background:#8e44ad}tr.apnea td{background:#fbeae8}details{margin-top:18px}
        """
}

/// Text made safe inside HTML elements and attributes.
func htmlEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
