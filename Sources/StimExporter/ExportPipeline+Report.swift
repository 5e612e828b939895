import Foundation
import StimLearn

extension ExportPipeline {
    /// What the report compares the shipped stimuli with.
    public struct ReportPlan: Sendable {
        /// Also synthesize the same number of stimuli without anonymization (when the export anonymized), and
        /// sample as many from a VAE trained on the training windows: the two comparisons.
        public var comparisons = true
        /// Seeds each student kind is trained with (`UtilityEvaluation.seeds`).
        public var studentSeeds = UtilityEvaluation.defaultSeeds

        public init(comparisons: Bool = true, studentSeeds: Int = UtilityEvaluation.defaultSeeds) {
            self.comparisons = comparisons
            self.studentSeeds = studentSeeds
        }
    }

    /// `DATASET.stim` → `DATASET.report` (add `.json` or `.html`).
    public static func reportStem(dataset: String) -> String {
        stem(dataset) + ".report"
    }

    /// The utility and privacy evaluation of a completed export on its held-out records: the shipped stimuli, and
    /// with `plan.comparisons` stimuli made without anonymization and a VAE baseline.
    public func evaluate(_ result: ExportResult, dataset: String, plan: ReportPlan = ReportPlan(),
                         progress: ((ExportEvaluation.Progress) -> Void)? = nil) throws -> ExportReport {
        guard result.heldOut.count > 0 else {
            throw ExportError.data("no held-out records: the report evaluates on records kept out of training (--holdout)")
        }
        guard result.unseen.count > 0 else {
            throw ExportError.data("no membership slice: the report's membership attack needs the training records' "
                                   + "windows that nothing trained on (membership slice above 0)")
        }
        let shape = result.training.exampleShape
        let teacher = try Student(body: result.teacher.body, inputShape: shape, classes: result.training.classes)
        let synthesis = result.settings.synthesis
        var sets = [(name: synthesis.anonymization.map { "stimuli (anonymized, \($0.target.rawValue))" } ?? "stimuli",
                     set: result.stimuli)]
        if plan.comparisons, synthesis.anonymization != nil {
            progress?(.stage("stimuli_not_anonymized"))
            var plain = synthesis
            plain.anonymization = nil
            let synthesizer = try StimulusSynthesizer(teacher: try network(result.teacher, shape),
                                                      generatorLayers: result.generatorLayers, settings: plain)
            try synthesizer.run()
            sets.append((name: "stimuli (not anonymized)", set: synthesizer.stimuli))
        }
        var evaluation = ExportEvaluation()
        evaluation.vaeSamples = plan.comparisons ? synthesis.count : 0
        evaluation.utility.seeds = plan.studentSeeds
        let acceptance = result.log.attempts.map {
            AcceptanceAttempt(targetClass: $0.targetClass, threshold: Double($0.threshold), steps: $0.steps, accepted: $0.accepted)
        }
        return try evaluation.run(dataset: dataset, training: result.training, unseen: result.unseen,
                                  heldOut: result.heldOut, teacher: teacher, stimulusSets: sets, acceptance: acceptance,
                                  progress: progress)
    }

    /// Writes `report` as `DATASET.report.json` and `DATASET.report.html`; returns both paths.
    public static func writeReport(_ report: ExportReport, dataset: String) throws -> (json: String, html: String) {
        let stem = reportStem(dataset: dataset)
        let paths = (json: stem + ".json", html: stem + ".html")
        do {
            try report.json().write(to: URL(fileURLWithPath: paths.json), options: .atomic)
            try Data(report.html().utf8).write(to: URL(fileURLWithPath: paths.html), options: .atomic)
        } catch {
            throw ExportError.data("cannot write the report beside \(dataset): \(error.localizedDescription)")
        }
        return paths
    }
}
