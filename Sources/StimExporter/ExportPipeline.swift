import Foundation
import StimFormats
import StimLearn

/// The data owner's export, recordings' windows to stimuli (issue 6): split the records, hold the membership slice of
/// the training records back (`MembershipSlice`), train the teacher on the rest of the training records' windows (a
/// fixed number of epochs: the held-out records measure it, they never choose it) and the identity network over the
/// same windows, write the teacher beside the dataset, then synthesize stimuli with a journal that survives interruptions. `write` then
/// stores the dataset with its provenance and the report's summary.
public struct ExportPipeline: Sendable {
    public var settings: ExportSettings

    public init(settings: ExportSettings = ExportSettings()) {
        self.settings = settings
    }

    /// `DATASET.stim` → `DATASET.teacher.stimm`.
    public static func teacherPath(dataset: String) -> String { stem(dataset) + ".teacher.stimm" }

    /// `DATASET.stim` → `DATASET`: the name the files written beside a dataset start with.
    static func stem(_ dataset: String) -> String {
        dataset.hasSuffix(".stim") ? String(dataset.dropLast(5)) : dataset
    }

    /// Runs up to the stimuli. A journal beside `output` from an interrupted run of the same settings is taken up
    /// (`restart` discards it). Returns with `completed` false when `isCancelled` said so.
    public func run(_ windows: LabelledWindows, input: InputSpec, output: String, restart: Bool = false,
                    events: ((ExportEvent) -> Void)? = nil, isCancelled: () -> Bool = { false }) throws -> ExportResult {
        try settings.validate()
        try settings.synthesis.validate(classes: windows.classes)
        guard windows.count > 0 else { throw ExportError.data("no windows to train a teacher on") }
        let split = try settings.holdoutRecords.map { try RecordSplit(names: windows.personNames, heldOut: $0) }
            ?? RecordSplit(records: windows.personNames.count, holdout: settings.holdout, seed: settings.seed)
        let trainingRecords = windows.of(persons: Set(split.training)).withPresentPersons()
        let heldOut = windows.of(persons: Set(split.heldOut))
        let slice = split.heldOut.isEmpty ? nil : try settings.membershipSlice()
        let (training, unseen) = slice?.cut(trainingRecords) ?? (trainingRecords, trainingRecords.subset([]))
        if slice != nil, unseen.count == 0 {
            throw ExportError.data("the training records are too short for a membership slice: a record of n windows "
                                   + "gives round(⌊n / \(MembershipSlice.blockWindows)⌋ × \(settings.membershipSliceFraction)) "
                                   + "blocks of \(MembershipSlice.blockWindows) windows, and none gives one; give longer "
                                   + "records or a larger slice, or export without the report (slice 0)")
        }
        let present = Set(training.labels)
        guard present.count == windows.classes else {
            let names = present.sorted().map { windows.classNames[$0] }.joined(separator: ", ")
            throw ExportError.data("the training records hold \(training.count) windows of \(names.isEmpty ? "no" : "only") "
                                   + "\(names): the teacher needs every class (\(windows.classNames.joined(separator: ", ")))")
        }

        var options = StudentTrainingOptions()
        options.epochs = settings.teacherEpochs
        options.seed = settings.seed
        options.threads = settings.threads
        // No early stopping on the held-out records: they are the report's test. Stopping at their lowest loss also
        // kept a weaker teacher on the belts (0.925 against 0.940 after all 30 epochs).
        var teacher = try StudentTrainer(options: options).train(
            .cnn, on: try training.classData(), progress: events.map { report in { report(.teacher($0)) } })
        if heldOut.count > 0 {
            teacher.validationAccuracy = try Student(body: teacher.body, inputShape: windows.exampleShape,
                                                     classes: windows.classes).accuracy(on: try heldOut.classData())
        }
        options.epochs = settings.identityEpochs
        let identity = try StudentTrainer(options: options).train(
            .cnn, on: try training.personData(), progress: events.map { report in { report(.identity($0)) } })

        let teacherPath = Self.teacherPath(dataset: output)
        let teacherModel = StudentModel(task: "apnea", classNames: windows.classNames, input: input,
                                        producer: "stim exporter teacher (stays with the data owner)", body: teacher.body)
        try ModelFile.write(teacherModel, to: teacherPath)
        guard let teacherBytes = FileManager.default.contents(atPath: teacherPath) else {
            throw ExportError.data("cannot read back \(teacherPath)")
        }
        let teacherDigest = SHA256.digest([UInt8](teacherBytes))

        let teacherNetwork = try network(teacher, windows.exampleShape)
        let identityNetwork = try network(identity, windows.exampleShape)
        let generatorLayers = try GeneratorArchitecture.specs(outputShape: windows.exampleShape)
        let targets = settings.synthesis.anonymization.map { IdentityTargets.targets($0.target, training) } ?? []
        let synthesizer = try StimulusSynthesizer(teacher: teacherNetwork, generatorLayers: generatorLayers,
                                                  identity: identityNetwork, identityTargets: targets,
                                                  settings: settings.synthesis)

        let journal = SynthesisJournal(datasetPath: output,
                                       fingerprint: fingerprint(teacherDigest, identityNetwork, generatorLayers),
                                       exampleShape: windows.exampleShape, classes: windows.classes)
        if restart { try journal.remove() }
        var resumed = 0
        if let (checkpoint, stimuli) = try journal.open() {
            try synthesizer.restore(checkpoint, stimuli: stimuli)
            resumed = stimuli.count
            events?(.resumed(stimuli: stimuli.count, attempts: checkpoint.log.attempts.count))
        }
        let clock = ContinuousClock()
        var lastCheckpoint = clock.now
        let completed = try synthesizer.run(progress: events.map { report in { report(.synthesis($0)) } },
                                            isCancelled: isCancelled) { index in
            try journal.append(index, of: synthesizer.stimuli)
            if clock.now - lastCheckpoint >= settings.checkpointInterval || synthesizer.isComplete {
                try journal.save(try synthesizer.checkpoint())
                lastCheckpoint = clock.now
            }
        }
        return ExportResult(settings: settings, input: input, split: split, training: training, unseen: unseen,
                            heldOut: heldOut,
                            teacher: teacher, teacherModel: teacherModel, teacherPath: teacherPath,
                            teacherDigest: teacherDigest, identity: identity, identityPersons: training.personNames,
                            identityTargets: targets, generatorLayers: generatorLayers, stimuli: synthesizer.stimuli,
                            log: synthesizer.log, timing: synthesizer.timing, resumedStimuli: resumed,
                            completed: completed)
    }

    /// Writes the stimuli of a completed run as a dataset (float32 samples, the teacher's softmax as float32 soft
    /// labels, each stimulus's target class), with the provenance of the run and `summary`, then removes the journal.
    public func write(_ result: ExportResult, to output: String, summary: ReportSummary = ReportSummary(),
                      producer: String, created: Date = Date()) throws {
        guard result.completed else {
            throw ExportError.data("the synthesis stopped at \(result.stimuli.count) of \(settings.synthesis.count) "
                                   + "stimuli: run the export again to resume it")
        }
        let synthesis = result.settings.synthesis
        let generator = GeneratorSettings(noiseDimension: synthesis.noiseDimension, thresholdMin: synthesis.thresholdMin,
                                          thresholdMax: synthesis.thresholdMax, maxSteps: synthesis.maxSteps,
                                          learningRate: synthesis.learningRate, seed: synthesis.seed,
                                          architecture: result.generatorLayers.map { "\($0)" }.joined(separator: ", ")
                                              + (synthesis.freshGeneratorEvery.map { "; fresh weights every \($0) stimuli" } ?? ""))
        let anonymization = synthesis.anonymization.map {
            AnonymizationSettings(target: $0.target == .marginal ? .marginal : .classConditional, weight: $0.weight,
                                  klBound: $0.klBound, identities: result.identityPersons.count)
        } ?? AnonymizationSettings(target: .none, identities: result.identityPersons.count)
        let formatter = ISO8601DateFormatter()
        let header = DatasetHeader(task: "apnea", classNames: result.training.classNames, input: result.input,
                                   labelEncoding: .float32,
                                   provenance: Provenance(producer: producer, teacherDigest: result.teacherDigest,
                                                          generator: generator, anonymization: anonymization,
                                                          createdUTC: formatter.string(from: created)),
                                   summary: summary)
        let writer = try DatasetWriter(path: output, header: header)
        try writer.append(samples: result.stimuli.inputs, labels: result.stimuli.softLabels,
                          targetClass: result.stimuli.targetClasses.map { UInt32($0) })
        try writer.finish()
        try SynthesisJournal.remove(datasetPath: output)
    }

    /// A trained network's float32 engine (the teacher, the identity network).
    func network(_ trained: TrainedStudent, _ shape: [Int]) throws -> Sequential {
        guard case .net(let net) = trained.body else { throw ExportError.parameter("the teacher must be a network") }
        return try Sequential(neuralNet: net, inputShape: shape)
    }

    /// What a journal must match to be resumed: the teacher file, the identity network's weights, the generator and
    /// the synthesis settings (seed included).
    private func fingerprint(_ teacherDigest: [UInt8], _ identity: Sequential, _ generator: [LayerSpec]) -> [UInt8] {
        var sink = ByteSink()
        for values in identity.snapshot() { sink.put(values) }
        let description = "\(settings.synthesis) \(generator)"
        return SHA256.digest(teacherDigest + sink.bytes + Array(description.utf8))
    }
}
