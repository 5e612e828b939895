import ArgumentParser
import Foundation
import StimExporter
import StimFormats
import StimSignals

struct WindowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "windows",
        abstract: "Cut recordings into labelled 60-second windows and summarize them.",
        discussion: """
            Each record's per-minute apnea labels come from the WFDB .apn file beside it (EDF+ files may carry them \
            as annotations). A labelled minute becomes a window when it lies wholly inside the recording, has no gap \
            of invalid samples longer than --max-gap, and no flat channel; the summary counts the rest by reason.
            With --out the windows are written as a dataset file (one-hot labels). It then holds real recordings, \
            not stimuli: it is for local training and evaluation, never for sharing.
            """
    )

    @Argument(help: "Recordings: WFDB headers (.hea), EDF/EDF+ (.edf) or CSV (.csv, with --csv-rate).")
    var records: [String]

    @OptionGroup(title: "Windows")
    var windowing: WindowingOptions

    @Option(help: "Write the windows to this dataset file (.stim).")
    var out: String?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let source = windowing.recordWindows
        var summaries: [WindowsReport.Record] = []
        var writer: DatasetWriter?
        for path in records {
            let (windows, summary, labelSource) = try source.windows(of: path)
            if labelSource == nil {
                Output.status("\(path): no per-minute labels found (a .apn file beside it, or EDF+ annotations): no windows")
            }
            summaries.append(WindowsReport.Record(summary, file: path, labels: labelSource))
            if let out, let first = windows.first {
                if writer == nil { writer = try datasetWriter(out, first: first) }
                try writer?.append(samples: windows.flatMap(\.samples),
                                   labels: windows.flatMap { $0.apnea == true ? [Float(0), 1] : [1, 0] })
                // One record per chunk (up to 4096 windows): `stim train --search` keeps chunks whole in its folds.
                try writer?.endChunk()
            }
        }
        let report = WindowsReport(records: summaries, channels: source.windower.channels, rate: windowing.rate,
                                   normalization: windowing.normalizationText,
                                   dataset: out)
        if let out {
            if let writer {
                try writer.finish()
                Output.status("wrote \(writer.count) windows to \(out) (real recordings, not stimuli: not for sharing)")
            } else {
                Output.status("no windows: \(out) not written")
            }
        }
        if json { try Output.json(report) } else { report.print() }
    }

    func datasetWriter(_ path: String, first: Window) throws -> DatasetWriter {
        // Normalized values lie within ±clip: int16 keeps them to 1/4096 of a standard deviation at clip 8.
        let encoding: SampleEncoding = windowing.normalization != .none && windowing.clip > 0
            ? .symmetric(.int16, channels: first.channels.count, range: windowing.clip) : SampleEncoding()
        let header = DatasetHeader(
            task: "apnea", classNames: ["normal", "apnea"], input: windowing.input(first),
            sampleEncoding: encoding, labelEncoding: .uint8, maxChunkStimuli: 4096,
            provenance: Provenance(producer: "stim \(Stim.configuration.version) windows (real windows, not anonymized)",
                                   createdUTC: ISO8601DateFormatter().string(from: Date())))
        return try DatasetWriter(path: path, header: header)
    }
}

/// What `stim windows` reports.
struct WindowsReport: Encodable {
    struct Record: Encodable {
        var record: String
        var file: String
        var labels: String?
        var labelled: Int
        var windows: Int
        var apnea: Int
        var skipped: [String: Int]

        init(_ s: WindowSummary, file: String, labels: String?) {
            record = s.record
            self.file = file
            self.labels = labels
            labelled = s.labelled
            windows = s.windows
            apnea = s.apnea
            skipped = Dictionary(uniqueKeysWithValues: s.skipped.map { ($0.key.rawValue, $0.value) })
        }
    }

    var windows: Int
    var apnea: Int
    var labelled: Int
    var skipped: [String: Int]
    var records: [Record]
    var channels: [String]
    var rate: Double?
    var normalization: String
    var dataset: String?

    init(records: [Record], channels: [String], rate: Double?, normalization: String, dataset: String?) {
        self.records = records
        windows = records.reduce(0) { $0 + $1.windows }
        apnea = records.reduce(0) { $0 + $1.apnea }
        labelled = records.reduce(0) { $0 + $1.labelled }
        skipped = records.reduce(into: [:]) { total, r in total.merge(r.skipped, uniquingKeysWith: +) }
        self.channels = channels
        self.rate = rate
        self.normalization = normalization
        self.dataset = dataset
    }

    func print() {
        func skippedText(_ s: [String: Int]) -> String {
            s.isEmpty ? "" : s.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        }
        let width = max(6, records.map(\.record.count).max() ?? 0)
        func row(_ a: String, _ b: String, _ c: String, _ d: String, _ e: String, _ f: String) {
            Swift.print(a.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + [b, c, d, e].map { String(repeating: " ", count: max(0, 8 - $0.count)) + $0 }.joined(separator: "  ")
                + "  " + f)
        }
        row("record", "labelled", "windows", "apnea", "apnea %", "skipped")
        for r in records {
            row(r.record, "\(r.labelled)", "\(r.windows)", "\(r.apnea)",
                r.windows > 0 ? String(format: "%.1f", 100 * Double(r.apnea) / Double(r.windows)) : "-", skippedText(r.skipped))
        }
        if records.count > 1 {
            row("total", "\(labelled)", "\(windows)", "\(apnea)",
                windows > 0 ? String(format: "%.1f", 100 * Double(apnea) / Double(windows)) : "-", skippedText(skipped))
        }
        Swift.print("channels \(channels.joined(separator: ", ")); \(rate.map { String(format: "%g Hz", $0) } ?? "recording's rate"); "
            + "normalization: \(normalization)")
    }
}
