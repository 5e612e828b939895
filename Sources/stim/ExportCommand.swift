import ArgumentParser
import Foundation
import StimExporter
import StimFormats
import StimLearn

/// Set by SIGINT; the synthesis checks it before every step.
nonisolated(unsafe) private var interruptRequested = false

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Train a teacher on recordings and export anonymized stimuli as a dataset (the data owner's side).",
        discussion: """
            The records are split (--holdout of them kept out of all training, to measure the teacher and for \
            the report; --membership-slice of each training record's windows are kept out of all training too, for \
            the report's membership attack); a CNN teacher learns the training records' apnea labels and an identity network learns \
            which record each window came from. A generator then makes --count stimuli by activation maximization: \
            for each, a class and a threshold in [--threshold-min, --threshold-max], noise, and up to --max-steps \
            Adam steps on the generator's weights until the teacher's softmax of the class passes the threshold. \
            Anonymization (on by default) alternates each step with one that pulls the identity network's posterior \
            toward --anonymize-target and accepts a stimulus only within --kl-bound of it.
            The dataset holds the stimuli with the teacher's soft labels and the run's provenance; the teacher is \
            written beside it as DATASET.teacher.stimm and stays with the data owner. Accepted stimuli are journaled \
            beside the dataset as they come: after Ctrl-C or a crash, the same command resumes (--restart starts over).
            """
    )

    @Argument(help: "Recordings with per-minute labels: WFDB headers (.hea), EDF/EDF+ (.edf) or CSV (.csv, with --csv-rate).")
    var records: [String]

    @Option(help: "Dataset file to write (.stim).")
    var out: String

    @OptionGroup(title: "Windows")
    var windowing: WindowingOptions

    @Option(help: "Records held out of all training, drawn by --seed (default: a quarter, at least 1 from 4 records).")
    var holdout: Int?

    @Option(help: "Records held out by name, comma-separated (instead of --holdout).")
    var holdoutRecords: String?

    @Option(help: "Share of each training record kept out of all training for the report's membership attack (blocks of 10 windows; 0 to 0.5).")
    var membershipSlice = ExportSettings().membershipSliceFraction

    @Option(help: "Epochs of the teacher (all of them: the held-out records measure it, never stop it).")
    var teacherEpochs = ExportSettings().teacherEpochs

    @Option(help: "Epochs of the identity network.")
    var identityEpochs = 30

    @Option(help: "Stimuli to make.")
    var count = 7_500

    @Option(help: "Share of stimuli per class, comma-separated (default: equal).")
    var classFractions: String?

    @Option(help: "Lowest acceptance threshold of the teacher's softmax for the target class.")
    var thresholdMin: Float = 0.75

    @Option(help: "Highest acceptance threshold.")
    var thresholdMax: Float = 0.9999

    @Option(help: "Adam steps on the generator before an attempt fails and the generator starts afresh.")
    var maxSteps = 50

    @Option(help: "Stop with an error after this many failed attempts in a row (an unreachable threshold or KL bound).")
    var maxFailures = SynthesisSettings().maxConsecutiveFailures

    @Option(help: "The generator's Adam learning rate.")
    var learningRate: Float = 1e-3

    @Option(help: "Length of the generator's noise vector.")
    var noiseDimension = 128

    @Option(help: "Start the generator afresh after every this many accepted stimuli (0: only after a failure, as the method's reference code).")
    var freshGenerator = SynthesisSettings().freshGeneratorEvery ?? 0

    @Option(help: "Anonymization target: marginal (p(person)) or class-conditional (p(person | class)).")
    var anonymizeTarget: AnonymizationOptions.Target = AnonymizationOptions().target

    @Option(help: "Weight of the identity update against the activation-maximization update.")
    var anonymizeWeight: Float = AnonymizationOptions().weight

    @Option(help: "Accept a stimulus only when KL(target ‖ identity posterior) is at most this (nats).")
    var klBound: Float = AnonymizationOptions().klBound

    @Flag(help: "Do not anonymize (to compare).")
    var noAnonymize = false

    @Option(help: "Seed of the split, the networks and every stimulus: the same seed gives the same dataset.")
    var seed: UInt64 = 0

    @Option(help: "Threads the teacher's and identity network's training batches are spread over.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Skip the utility and privacy report (DATASET.report.json and .html, on the held-out records).")
    var noReport = false

    @Flag(help: "Report on the shipped stimuli only, without the comparisons (stimuli made without anonymization, a VAE baseline).")
    var noComparisons = false

    @Option(help: "Seeds each report student is trained with; the report scores their predictions pooled.")
    var reportSeeds = ExportPipeline.ReportPlan().studentSeeds

    @Flag(help: "Discard the journal of an interrupted run instead of resuming it.")
    var restart = false

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard (0..<1).contains(thresholdMin), (0..<1).contains(thresholdMax), thresholdMin <= thresholdMax else {
            throw ValidationError("--threshold-min and --threshold-max must lie in [0, 1) with min ≤ max")
        }
        guard maxSteps >= 1 else { throw ValidationError("--max-steps must be at least 1") }
        guard maxFailures >= 1 else { throw ValidationError("--max-failures must be at least 1") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be positive") }
        guard noiseDimension >= 1 else { throw ValidationError("--noise-dimension must be at least 1") }
        guard freshGenerator >= 0 else { throw ValidationError("--fresh-generator must be 0 or more stimuli") }
        guard anonymizeWeight >= 0, anonymizeWeight.isFinite else { throw ValidationError("--anonymize-weight must be 0 or more") }
        guard klBound > 0, klBound.isFinite else { throw ValidationError("--kl-bound must be positive") }
        guard teacherEpochs >= 1, identityEpochs >= 1 else { throw ValidationError("--teacher-epochs and --identity-epochs must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let holdout, holdout < 0 { throw ValidationError("--holdout must be 0 or more records") }
        if holdout != nil, holdoutRecords != nil { throw ValidationError("give --holdout or --holdout-records, not both") }
        guard reportSeeds >= 1 else { throw ValidationError("--report-seeds must be at least 1") }
        guard (0...0.5).contains(membershipSlice) else { throw ValidationError("--membership-slice must lie in [0, 0.5]") }
        if membershipSlice == 0, !noReport {
            throw ValidationError("--membership-slice 0 leaves the report without its membership attack: add --no-report")
        }
        if let classFractions, fractions(classFractions) == nil {
            throw ValidationError("--class-fractions must be comma-separated non-negative numbers")
        }
    }

    private func fractions(_ text: String) -> [Double]? {
        let parts = text.split(separator: ",")
        let values = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.count == parts.count, values.allSatisfy({ $0 >= 0 && $0.isFinite }) else { return nil }
        return values
    }

    var settings: ExportSettings {
        var s = ExportSettings()
        s.holdout = holdout
        s.holdoutRecords = holdoutRecords?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        // Without a report nothing measures membership, so the teacher may train on every training window.
        s.membershipSliceFraction = noReport ? 0 : membershipSlice
        s.teacherEpochs = teacherEpochs
        s.identityEpochs = identityEpochs
        s.threads = threads
        s.seed = seed
        s.synthesis.count = count
        s.synthesis.classFractions = classFractions.flatMap(fractions)
        s.synthesis.thresholdMin = thresholdMin
        s.synthesis.thresholdMax = thresholdMax
        s.synthesis.maxSteps = maxSteps
        s.synthesis.maxConsecutiveFailures = maxFailures
        s.synthesis.learningRate = learningRate
        s.synthesis.noiseDimension = noiseDimension
        s.synthesis.freshGeneratorEvery = freshGenerator > 0 ? freshGenerator : nil
        s.synthesis.anonymization = noAnonymize ? nil
            : AnonymizationOptions(target: anonymizeTarget, weight: anonymizeWeight, klBound: klBound)
        return s
    }

    func run() throws {
        let source = windowing.recordWindows
        let (windows, summaries, rate) = try source.labelledWindows(records)
        for (path, summary) in zip(records, summaries) where summary.windows == 0 {
            Output.status("\(path): no usable labelled minute (labels: a .apn file beside it, or EDF+ annotations)")
        }
        let input = InputSpec(windowsOf: source.windower.channels, samplingRate: rate,
                              samplesPerWindow: windows.exampleShape[1], normalization: windowing.windowNormalization)
        let pipeline = ExportPipeline(settings: settings)
        let line = ProgressLine(enabled: !json)
        signal(SIGINT) { _ in interruptRequested = true }
        defer { signal(SIGINT, SIG_DFL) }
        let clock = ContinuousClock(), start = clock.now
        let result = try pipeline.run(windows, input: input, output: out, restart: restart, events: { event in
            switch event {
            case .teacher(.epoch(let report)): line.show("teacher  " + epochProgress(report))
            case .identity(.epoch(let report)): line.show("identity " + epochProgress(report))
            case .teacher, .identity: break
            case .resumed(let stimuli, let attempts):
                line.finish()
                Output.status("resuming: \(stimuli) stimuli accepted in \(attempts) attempts by an interrupted run")
            case .synthesis(let p):
                let left = p.remaining.map { Int($0.components.seconds) }.map { String(format: "%d:%02d", $0 / 60, $0 % 60) } ?? "-"
                line.show(String(format: "stimuli %d/%d  failed %d  %.1f/s  left %@", p.accepted, p.target, p.failed,
                                 p.rate, left))
            }
        }, isCancelled: { interruptRequested })
        line.finish()
        guard result.completed else {
            Output.status("stopped at \(result.stimuli.count) of \(count) stimuli; they are journaled in \(out).journal: "
                          + "run the same command again to resume")
            throw ExitCode(130)
        }
        var summary = ReportSummary()
        var reportPaths: (json: String, html: String)?
        if !noReport {
            if result.heldOut.count == 0 {
                Output.status("no records held out (--holdout 0): no utility and privacy report")
            } else {
                let report = try pipeline.evaluate(result, dataset: out, plan: .init(comparisons: !noComparisons, studentSeeds: reportSeeds)) { step in
                    switch step {
                    case .stage(let name): line.show("report: " + name.replacingOccurrences(of: "_", with: " "))
                    case .utility(.training(let kind, let source)): line.show("report: \(kind.rawValue) on \(source)")
                    case .utility(.student(.epoch(let report))): line.show("report: " + epochProgress(report))
                    case .utility(.student(.search(let done, let total))): line.show("report: search \(done)/\(total)")
                    }
                }
                line.finish()
                summary = report.summary
                reportPaths = try ExportPipeline.writeReport(report, dataset: out)
            }
        }
        try pipeline.write(result, to: out, summary: summary, producer: "stim \(Stim.configuration.version) export")
        var outcome = ExportOutcome(result, dataset: out, seconds: (clock.now - start) / .seconds(1))
        outcome.report = reportPaths?.html
        outcome.reportJSON = reportPaths?.json
        if json { try Output.json(outcome) } else { outcome.print() }
    }
}

extension AnonymizationOptions.Target: ExpressibleByArgument {}

/// What `stim export` reports.
struct ExportOutcome: Encodable {
    var dataset: String
    var teacher: String
    var teacherSha256: String
    var trainingRecords: [String]
    var heldOutRecords: [String]
    var trainingWindows: Int
    /// Windows of the training records kept out of all training for the membership attack.
    var membershipSliceWindows: Int
    var heldOutWindows: Int
    var teacherValidationAccuracy: Double?
    var stimuli: Int
    var perClass: [Int]
    var attempts: Int
    var failed: Int
    var acceptance: Double
    var meanSteps: Double
    var meanKL: Double?
    var anonymization: String
    var resumed: Int
    var stimuliPerSecond: Double
    var timeSplit: [String: Double]
    var seconds: Double
    /// The report's HTML and JSON files, when one was made.
    var report: String?
    var reportJSON: String?

    enum CodingKeys: String, CodingKey {
        case dataset, teacher, stimuli, attempts, failed, acceptance, anonymization, resumed, seconds, report
        case reportJSON = "report_json"
        case teacherSha256 = "teacher_sha256", trainingRecords = "training_records", heldOutRecords = "held_out_records"
        case trainingWindows = "training_windows", heldOutWindows = "held_out_windows"
        case membershipSliceWindows = "membership_slice_windows"
        case teacherValidationAccuracy = "teacher_validation_accuracy", perClass = "per_class", meanSteps = "mean_steps"
        case meanKL = "mean_kl", stimuliPerSecond = "stimuli_per_second", timeSplit = "time_split_seconds"
    }

    init(_ r: ExportResult, dataset: String, seconds: Double) {
        self.dataset = dataset
        teacher = r.teacherPath
        teacherSha256 = SHA256.hex(r.teacherDigest)
        trainingRecords = r.identityPersons
        heldOutRecords = r.split.heldOut.map { r.heldOut.personNames[$0] }
        trainingWindows = r.training.count
        membershipSliceWindows = r.unseen.count
        heldOutWindows = r.heldOut.count
        teacherValidationAccuracy = r.teacher.validationAccuracy
        stimuli = r.stimuli.count
        perClass = (0..<r.stimuli.classes).map { k in r.stimuli.targetClasses.filter { $0 == k }.count }
        attempts = r.log.attempts.count
        failed = r.log.failedCount
        acceptance = r.log.acceptanceRate
        let accepted = r.log.attempts.filter(\.accepted)
        meanSteps = accepted.isEmpty ? 0 : Double(accepted.reduce(0) { $0 + $1.steps }) / Double(accepted.count)
        meanKL = r.log.meanAcceptedKL
        anonymization = r.settings.synthesis.anonymization.map {
            "\($0.target.rawValue), weight \($0.weight), KL bound \($0.klBound)"
        } ?? "off"
        resumed = r.resumedStimuli
        func s(_ d: Duration) -> Double { d / .seconds(1) }
        let made = r.stimuli.count - r.resumedStimuli
        stimuliPerSecond = r.timing.total > .zero ? Double(made) / s(r.timing.total) : 0
        timeSplit = ["generator": s(r.timing.generator), "teacher": s(r.timing.teacher), "identity": s(r.timing.identity),
                     "optimizer": s(r.timing.optimizer)]
        self.seconds = seconds
    }

    func print() {
        var rows = [("dataset", "\(dataset) (\(stimuli) stimuli: " + perClass.map(String.init).joined(separator: " / ") + ")"),
                    ("teacher", "\(teacher) (stays with you; SHA-256 \(teacherSha256.prefix(16))…)"),
                    ("records", "training \(trainingRecords.joined(separator: ", ")) (\(trainingWindows) windows"
                        + (membershipSliceWindows > 0 ? ", \(membershipSliceWindows) more kept for the membership attack" : "")
                        + "); held out "
                        + (heldOutRecords.isEmpty ? "none" : "\(heldOutRecords.joined(separator: ", ")) (\(heldOutWindows) windows)"))]
        if let teacherValidationAccuracy {
            rows.append(("teacher accuracy", String(format: "%.3f on the held-out records", teacherValidationAccuracy)))
        }
        rows.append(("attempts", String(format: "%d (%d failed, acceptance %.1f%%), %.1f steps per accepted stimulus",
                                        attempts, failed, 100 * acceptance, meanSteps)))
        rows.append(("anonymization", anonymization + (meanKL.map { String(format: "; mean KL of accepted %.3f", $0) } ?? "")))
        if resumed > 0 { rows.append(("resumed", "\(resumed) stimuli from an interrupted run")) }
        let total = timeSplit.values.reduce(0, +)
        rows.append(("speed", String(format: "%.1f stimuli/s; generator %.0f%%, teacher %.0f%%, identity %.0f%%, Adam %.0f%%",
                                     stimuliPerSecond, 100 * (timeSplit["generator"] ?? 0) / total,
                                     100 * (timeSplit["teacher"] ?? 0) / total, 100 * (timeSplit["identity"] ?? 0) / total,
                                     100 * (timeSplit["optimizer"] ?? 0) / total)))
        rows.append(("time", String(format: "%.1f s", seconds)))
        if let report { rows.append(("report", "\(report) (and \(reportJSON ?? "JSON"))")) }
        Output.table(rows)
    }
}
