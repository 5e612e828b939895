import Foundation
import StimLearn
import StimRuntime

/// What `stim classify` reports: the minutes, the night summary, and agreement with the reference labels.
struct ClassificationReport: Encodable {
    struct Metrics: Encodable {
        /// Labelled minutes that were scored and compared.
        var compared: Int
        var accuracy: Double?
        var kappa: Double?
        var sensitivity: Double?
        var specificity: Double?
        /// Labelled minutes not scored, by quality flag.
        var unscored: [String: Int]
        /// Labelled minutes beyond the scored recording.
        var outside: Int
    }

    var model: String
    var recording: String
    var labels: String?
    var summary: NightSummary
    var metrics: Metrics?
    var minutes: [MinuteRecord]

    init(minutes scored: [ScoredMinute], reference: [Int: Bool], model: String, recording: String, labels: String?) {
        self.model = model
        self.recording = recording
        self.labels = labels
        summary = NightSummary(scored)
        minutes = scored.map { MinuteRecord($0, reference: reference[$0.minute]) }
        guard !reference.isEmpty else { return }
        var confusion = ConfusionMatrix(classes: 2)
        var unscored: [String: Int] = [:]
        var seen = 0
        for m in scored {
            guard let truth = reference[m.minute] else { continue }
            seen += 1
            if let predicted = m.apnea {
                confusion.add(truth: truth ? 1 : 0, predicted: predicted ? 1 : 0)
            } else {
                unscored[m.quality.rawValue, default: 0] += 1
            }
        }
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        metrics = Metrics(compared: confusion.total, accuracy: finite(confusion.accuracy), kappa: finite(confusion.kappa),
                          sensitivity: finite(confusion.recall(1)), specificity: finite(confusion.recall(0)),
                          unscored: unscored, outside: reference.count - seen)
    }

    /// h:mm:ss since the recording began.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.down))
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }

    var summaryLines: [String] {
        var lines = ["minutes \(summary.minutes), scored \(summary.scoredMinutes), apnea \(summary.apneaMinutes), "
            + String(format: "apnea index %.1f per hour, ", summary.apneaIndex)
            + "longest episode \(summary.longestEpisodeMinutes) min",
            "quality: " + summary.quality.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")]
        if let m = metrics {
            func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "n/a" }
            lines.append("vs \(labels ?? "reference labels"): \(m.compared) labelled minutes scored: accuracy \(f(m.accuracy)), "
                + "kappa \(f(m.kappa)), sensitivity \(f(m.sensitivity)), specificity \(f(m.specificity))")
            let notScored = m.unscored.values.reduce(0, +)
            if notScored > 0 || m.outside > 0 {
                lines.append("labelled minutes not scored: \(notScored)"
                    + (m.unscored.isEmpty ? "" : " (" + m.unscored.sorted { $0.key < $1.key }
                        .map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
                    + (m.outside > 0 ? "; \(m.outside) beyond the recording's whole minutes" : ""))
            }
        }
        return lines
    }

    func printTable() {
        let hasReference = metrics != nil
        print("minute  time      quality       probability  label" + (hasReference ? "   reference" : ""))
        for m in minutes {
            let cells = [String(m.minute).padding(6), Self.clock(m.start).padding(8), m.quality.padding(12),
                         m.probabilityText.padding(11), (m.label ?? "-").padding(6)]
            print(cells.joined(separator: "  ") + (hasReference ? "  " + (m.reference ?? "-") : ""))
        }
        print("")
        for line in summaryLines { print(line) }
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { padding(toLength: max(width, count), withPad: " ", startingAt: 0) }
}
