import ArgumentParser
import Foundation
import StimFormats
import StimLearn
import StimRuntime
import StimSignals

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify every minute of a recording with a student: apnea probabilities, labels and a night summary.",
        discussion: """
            The recording's channels are picked by the model's channel names and fed, sample after sample, through \
            the same minute scorer as `stim score`, so both give the same minutes. Each minute has a signal \
            quality: good minutes are scored; flat, saturated, disconnected, gap and wrong-rate minutes are not \
            (they never count as apnea or as normal breathing). With per-minute reference labels (a WFDB .apn file \
            beside the record) it also prints accuracy, Cohen's kappa, sensitivity and specificity over the scored \
            labelled minutes, and how many labelled minutes were not scored and why.
            """
    )

    @Argument(help: "Student model file (.stimm).")
    var model: String

    @Argument(help: "Recording: a WFDB header (.hea), EDF/EDF+ (.edf) or CSV (.csv, with --csv-rate).")
    var recording: String

    @Option(help: "Sampling rate of a CSV recording in Hz.")
    var csvRate: Double?

    @OptionGroup(title: "Signal quality")
    var quality: QualityOptions

    @Flag(help: "Print one JSON object: minutes, summary and metrics.")
    var json = false

    @Flag(help: "Print the per-minute table as CSV (the summary and metrics go to stderr).")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("choose --json or --csv, not both") }
        try quality.validate()
    }

    func run() throws {
        let student = try ModelFile.read(path: model)
        let names = student.input.channels.map(\.name)
        let loaded = try RecordingLoader.load(path: recording, channels: names, samplingRate: csvRate)
        let signals = try names.map { name in
            guard let s = loaded.recording.signal(named: name) else {
                throw CommandError("\(recording) has no channel '\(name)' (the model's input); it has "
                    + loaded.recording.signals.map { "'\($0.name)'" }.joined(separator: ", "))
            }
            return s
        }
        guard let rate = signals.first?.samplingRate, signals.allSatisfy({ $0.samplingRate == rate }) else {
            throw CommandError("the model's channels differ in sampling rate in \(recording)")
        }
        let scorer = try MinuteScorer(model: student, inputRate: rate, options: quality.scorerOptions(start: 0))
        if !scorer.canResample {
            Output.status("\(recording): \(rate) Hz cannot be resampled to the model's "
                + "\(student.input.channels[0].samplingRate) Hz: every minute is flagged wrong-rate")
        }
        let minutes = try Self.score(signals, with: scorer)
        var reference: [Int: Bool] = [:]
        for label in loaded.labels { reference[label.minute] = label.apnea }
        let report = ClassificationReport(minutes: minutes, reference: reference, model: model, recording: recording,
                                          labels: loaded.labelSource)
        if json {
            try Output.json(report)
        } else if csv {
            print("minute,time,quality,probability,label" + (reference.isEmpty ? "" : ",reference"))
            for m in report.minutes {
                let row = [String(m.minute), ClassificationReport.clock(m.start), m.quality, m.probabilityText, m.label ?? ""]
                    + (reference.isEmpty ? [] : [m.reference ?? ""])
                print(row.joined(separator: ","))
            }
            for line in report.summaryLines { Output.status(line) }
        } else {
            report.printTable()
        }
    }

    /// Feeds the channels through the scorer an hour at a time, as a stream would bring them.
    static func score(_ signals: [Signal], with scorer: MinuteScorer) throws -> [ScoredMinute] {
        let frames = signals.map(\.samples.count).min() ?? 0
        let chunk = max(1, Int(3600 * signals[0].samplingRate))
        var minutes: [ScoredMinute] = []
        var interleaved: [Float] = []
        var start = 0
        while start < frames {
            let end = min(frames, start + chunk)
            interleaved.removeAll(keepingCapacity: true)
            for f in start..<end { for s in signals { interleaved.append(s.samples[f]) } }
            minutes += try scorer.append(interleaved)
            start = end
        }
        return minutes + (try scorer.finish())
    }
}

/// Signal-quality settings shared by `stim classify` and `stim score`.
struct QualityOptions: ParsableArguments {
    @Option(help: "Bridge runs of invalid or missing samples up to this many seconds; longer ones flag the minute.")
    var maxGap: Double = 5

    @Option(help: "Input values at or beyond LOW:HIGH count as clipped (the ADC's rails; int16 input defaults to -32768:32767). A negative LOW needs the = form: --range=-1.6:1.6.")
    var range: String?

    @Option(help: "A channel clipped for at least this share of a minute flags it saturated.")
    var saturatedShare = 0.25

    func validate() throws {
        guard maxGap >= 0, maxGap.isFinite else { throw ValidationError("--max-gap must be 0 or more seconds") }
        guard saturatedShare > 0, saturatedShare <= 1 else { throw ValidationError("--saturated-share must lie in (0, 1]") }
        _ = try limits
    }

    var limits: ClosedRange<Float>? {
        get throws {
            guard let range else { return nil }
            let parts = range.split(separator: ":", omittingEmptySubsequences: false).map { Float(String($0)) }
            guard parts.count == 2, let low = parts[0], let high = parts[1], low.isFinite, high.isFinite, low < high else {
                throw ValidationError("--range must be LOW:HIGH with LOW < HIGH, e.g. -32768:32767")
            }
            return low...high
        }
    }

    func scorerOptions(start: Double, defaultLimits: ClosedRange<Float>? = nil) throws -> MinuteScorer.Options {
        MinuteScorer.Options(maxGapSeconds: maxGap, saturationLimits: try limits ?? defaultLimits,
                             saturatedShare: saturatedShare, start: start)
    }
}
