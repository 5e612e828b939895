// `StimBench export`: how fast the exporter synthesizes stimuli (bench/README.md, "export"). Trains the teacher and
// identity network once on the belt records through `ExportPipeline`, then times `rounds` syntheses of `count`
// stimuli (each round a fresh generator and seed) and reports the median round, with the time split between the
// generator, the teacher, the identity network and the Adam updates.
import Foundation
import StimExporter
import StimFormats
import StimLearn
import StimSignals

struct ExportBenchOptions {
    var records: [String] = []
    var count = 300
    var rounds = 3
    var epochs = 10
    var anonymize: AnonymizationOptions.Target? = .marginal
    var json = false

    static let usage = "usage: StimBench export [--records a.hea,b.hea,...] [--count 300] [--rounds 3] [--epochs 10] "
        + "[--anonymize marginal|class-conditional|none] [--json]"

    init(_ arguments: ArraySlice<String>) throws {
        let given = try parseOptions(arguments, flags: ["--json"]) { name, value in
            switch name {
            case "--records": records = value.split(separator: ",").map(String.init)
            case "--count": count = try Options.number(name, value)
            case "--rounds": rounds = try Options.number(name, value)
            case "--epochs": epochs = try Options.number(name, value)
            case "--anonymize":
                guard value == "none" || AnonymizationOptions.Target(rawValue: value) != nil else { throw BenchError(Self.usage) }
                anonymize = AnonymizationOptions.Target(rawValue: value)
            default: throw BenchError(Self.usage)
            }
        }
        json = given.contains("--json")
        if records.isEmpty {
            let folder = "../shared/data/apnea-ecg/resp-1hz"
            records = ["a01r", "a02r", "a03r", "a04r", "b01r", "c01r", "c02r", "c03r"].map { "\(folder)/\($0).hea" }
        }
        guard count > 0, rounds > 0, epochs > 0 else { throw BenchError(Self.usage) }
    }
}

func runExport(_ options: ExportBenchOptions) throws {
    let windower = Windower(channels: ["Resp C", "Resp A"], rate: 1)
    let (windows, _, _) = try RecordWindows(windower: windower).labelledWindows(options.records)
    var settings = ExportSettings()
    settings.teacherEpochs = options.epochs
    settings.identityEpochs = options.epochs
    settings.synthesis.count = 1
    settings.synthesis.anonymization = options.anonymize.map { AnonymizationOptions(target: $0) }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stimbench-export-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = InputSpec(windowsOf: windower.channels, samplingRate: 1, samplesPerWindow: 60, normalization: windower.normalization)
    let prepared = try ExportPipeline(settings: settings).run(windows, input: input,
                                                              output: folder.appendingPathComponent("b.stim").path)
    guard case .net(let teacherNet) = prepared.teacher.body, case .net(let identityNet) = prepared.identity.body else {
        throw BenchError("the teacher and identity network must be networks")
    }
    var rounds: [(seconds: Double, synthesizer: StimulusSynthesizer)] = []
    for round in 0..<options.rounds {
        var synthesis = settings.synthesis
        synthesis.count = options.count
        synthesis.seed = UInt64(round + 1)
        let synthesizer = try StimulusSynthesizer(
            teacher: Sequential(neuralNet: teacherNet, inputShape: windows.exampleShape),
            generatorLayers: prepared.generatorLayers,
            identity: Sequential(neuralNet: identityNet, inputShape: windows.exampleShape),
            identityTargets: prepared.identityTargets, settings: synthesis)
        let time = try seconds { try synthesizer.run() }
        rounds.append((time, synthesizer))
    }
    rounds.sort { $0.seconds < $1.seconds }
    let median = rounds[rounds.count / 2]
    let rates = rounds.map { Double(options.count) / $0.seconds }
    let timing = median.synthesizer.timing, log = median.synthesizer.log
    func s(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    let anonymize = options.anonymize?.rawValue ?? "none"
    if options.json {
        let line = String(format: "{\"peer\": \"stim\", \"workload\": \"export_synthesis\", \"anonymize\": \"%@\", "
                          + "\"stimuli\": %d, \"attempts\": %d, \"acceptance\": %.4f, \"steps\": %d, \"rounds\": %d, "
                          + "\"stimuli_per_s\": %.3f, \"min_stimuli_per_s\": %.3f, \"max_stimuli_per_s\": %.3f, "
                          + "\"ms_per_step\": %.5f, \"generator_s\": %.4f, \"teacher_s\": %.4f, \"identity_s\": %.4f, "
                          + "\"optimizer_s\": %.4f, \"seconds\": %.4f, \"threads\": 1}",
                          anonymize, options.count, log.attempts.count, log.acceptanceRate, timing.steps, options.rounds,
                          Double(options.count) / median.seconds, rates.min() ?? 0, rates.max() ?? 0,
                          median.seconds * 1e3 / Double(max(1, timing.steps)), s(timing.generator), s(timing.teacher),
                          s(timing.identity), s(timing.optimizer), median.seconds)
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        return
    }
    print(String(format: "export synthesis (anonymize %@): %d stimuli, %d attempts (acceptance %.1f%%), %d steps",
                 anonymize, options.count, log.attempts.count, 100 * log.acceptanceRate, timing.steps))
    print(String(format: "  median %.1f stimuli/s (min %.1f, max %.1f over %d rounds), %.4f ms per step",
                 Double(options.count) / median.seconds, rates.min() ?? 0, rates.max() ?? 0, options.rounds,
                 median.seconds * 1e3 / Double(max(1, timing.steps))))
    let total = s(timing.total)
    print(String(format: "  time split: generator %.0f%%, teacher %.0f%%, identity %.0f%%, Adam %.0f%%",
                 100 * s(timing.generator) / total, 100 * s(timing.teacher) / total, 100 * s(timing.identity) / total,
                 100 * s(timing.optimizer) / total))
}
