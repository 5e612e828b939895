// `StimBench export-utility`: is a student trained on stimuli any good, and what do the stimuli tell of persons?
// On the belt records with a fixed record split, for each anonymization variant: the export's acceptance and speed, a
// CNN student trained on the stimuli and tested on the held-out records (accuracy, kappa) against one trained on the
// real training windows, the mean KL of the stimuli's identity posteriors to both targets, and the identity network's
// top-1 probability on the stimuli against the class-only attacker's (the likeliest person given the class).
import Foundation
import StimExporter
import StimFormats
import StimLearn
import StimSignals

struct ExportUtilityOptions {
    var records: [String] = []
    var holdout = ["a03r", "c01r"]
    var count = 7_500
    var epochs = 30
    var variants = ["class-conditional", "marginal", "none"]
    var thresholdMin: Float = 0.75
    var maxSteps = 50
    var weight: Float = 1
    var klBound: Float = 0.5

    static let usage = "usage: StimBench export-utility [--records a.hea,...] [--holdout a03r,c01r] [--count 7500] "
        + "[--epochs 30] [--variants class-conditional,marginal,none] [--threshold-min 0.75] [--max-steps 50] "
        + "[--weight 1] [--kl-bound 0.5]"

    init(_ arguments: ArraySlice<String>) throws {
        _ = try parseOptions(arguments) { name, value in
            switch name {
            case "--records": records = value.split(separator: ",").map(String.init)
            case "--holdout": holdout = value.split(separator: ",").map(String.init)
            case "--count": count = try Options.number(name, value)
            case "--epochs": epochs = try Options.number(name, value)
            case "--variants": variants = value.split(separator: ",").map(String.init)
            case "--threshold-min": thresholdMin = Float(value) ?? -1
            case "--max-steps": maxSteps = try Options.number(name, value)
            case "--weight": weight = Float(value) ?? -1
            case "--kl-bound": klBound = Float(value) ?? -1
            default: throw BenchError(Self.usage)
            }
        }
        if records.isEmpty { records = try ExportBenchOptions([]).records }
        guard count > 0, epochs > 0, (0..<1).contains(thresholdMin), weight >= 0, klBound > 0,
              variants.allSatisfy({ $0 == "none" || AnonymizationOptions.Target(rawValue: $0) != nil }) else {
            throw BenchError(Self.usage)
        }
    }
}

func runExportUtility(_ options: ExportUtilityOptions) throws {
    let windower = Windower(channels: ["Resp C", "Resp A"], rate: 1)
    let (windows, _, _) = try RecordWindows(windower: windower).labelledWindows(options.records)
    let input = InputSpec(windowsOf: windower.channels, samplingRate: 1, samplesPerWindow: 60, normalization: windower.normalization)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stimbench-utility-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var studentOptions = StudentTrainingOptions()
    studentOptions.epochs = options.epochs
    let trainer = StudentTrainer(options: studentOptions)

    func evaluate(_ body: StudentModel.Body, on data: LabelledWindows) throws -> ConfusionMatrix {
        let student = try Student(body: body, inputShape: data.exampleShape, classes: data.classes)
        return ConfusionMatrix(truth: data.labels, predicted: try student.predict(data.inputs), classes: data.classes)
    }
    func line(_ name: String, _ m: ConfusionMatrix) {
        print(String(format: "  %-34@ accuracy %.3f  kappa %.3f  apnea recall %.3f  normal recall %.3f", name, m.accuracy,
                     m.kappa, m.recall(1), m.recall(0)))
    }

    var realDone = false
    for variant in options.variants {
        var settings = ExportSettings()
        settings.holdoutRecords = options.holdout
        settings.synthesis.count = options.count
        settings.synthesis.thresholdMin = options.thresholdMin
        settings.synthesis.maxSteps = options.maxSteps
        settings.synthesis.anonymization = AnonymizationOptions.Target(rawValue: variant).map {
            AnonymizationOptions(target: $0, weight: options.weight, klBound: options.klBound)
        }
        let start = ContinuousClock.now
        let result = try ExportPipeline(settings: settings).run(
            windows, input: input, output: folder.appendingPathComponent("\(variant).stim").path, restart: true)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        let held = result.heldOut
        if !realDone {
            realDone = true
            print("records: training \(result.identityPersons.joined(separator: ",")) (\(result.training.count) windows), "
                  + "held out \(options.holdout.joined(separator: ",")) (\(held.count) windows, "
                  + "\(held.labels.filter { $0 == 1 }.count) apnea)")
            line("teacher", try evaluate(result.teacher.body, on: held))
            let real = try trainer.train(.cnn, on: try result.training.classData())
            line("student on real training windows", try evaluate(real.body, on: held))
        }
        let attempts = result.log
        let synthesisSeconds = result.timing.total / .seconds(1)
        print(String(format: "%@: %d stimuli in %d attempts (acceptance %.3f), %.1f stimuli/s (synthesis), %.0f s in all",
                     variant, result.stimuli.count, attempts.attempts.count, attempts.acceptanceRate,
                     Double(result.stimuli.count) / synthesisSeconds, seconds))
        let t = result.timing
        print(String(format: "  time split: generator %.2f s, teacher %.2f s, identity %.2f s, Adam %.2f s; %d steps, %.4f ms/step",
                     t.generator / .seconds(1), t.teacher / .seconds(1), t.identity / .seconds(1), t.optimizer / .seconds(1),
                     t.steps, synthesisSeconds * 1e3 / Double(max(1, t.steps))))
        let student = try trainer.train(.cnn, on: try result.stimuli.trainingData())
        line("student on stimuli (soft labels)", try evaluate(student.body, on: held))
        let hard = try TrainingData(exampleShape: result.stimuli.exampleShape, classes: result.stimuli.classes,
                                    inputs: result.stimuli.inputs, labels: result.stimuli.targetClasses)
        line("student on stimuli (target classes)", try evaluate(try trainer.train(.cnn, on: hard).body, on: held))

        // Identity: posteriors of the stimuli, KL to both targets, top-1 probability against the class-only attacker.
        let identity = try Student(body: result.identity.body, inputShape: windows.exampleShape,
                                   classes: result.identityPersons.count)
        let posteriors = try identity.probabilities(result.stimuli.inputs)
        let persons = result.identityPersons.count
        for (name, targets) in [("marginal", IdentityTargets.marginal(result.training)),
                                ("class-conditional", IdentityTargets.classConditional(result.training))] {
            var total = 0.0
            for i in 0..<result.stimuli.count {
                let target = targets[result.stimuli.targetClasses[i]]
                for p in 0..<persons where target[p] > 0 {
                    total += Double(target[p]) * log(Double(target[p]) / max(Double(posteriors[i * persons + p]), 1e-38))
                }
            }
            print(String(format: "  mean KL(%@ ‖ identity posterior) %.3f", name, total / Double(result.stimuli.count)))
        }
        let conditional = IdentityTargets.classConditional(result.training)
        var top = 0.0, classOnly = 0.0
        var guesses = [Int](repeating: 0, count: persons)
        for i in 0..<result.stimuli.count {
            let row = posteriors[(i * persons)..<((i + 1) * persons)]
            top += Double(row.max() ?? 0)
            if let best = row.indices.max(by: { row[$0] < row[$1] }) { guesses[best - i * persons] += 1 }
            classOnly += Double(conditional[result.stimuli.targetClasses[i]].max() ?? 0)
        }
        print(String(format: "  identity top-1 probability on stimuli %.3f; class-only attacker %.3f; top-1 guesses %@",
                     top / Double(result.stimuli.count), classOnly / Double(result.stimuli.count),
                     zip(result.identityPersons, guesses).map { "\($0)=\($1)" }.joined(separator: " ")))
    }
}
