import Foundation
import StimFormats
import StimLearn
import StimSignals
import Testing
@testable import StimExporter

/// The pipeline from windows to a written dataset: interrupted runs resume to the same file, byte for byte; bad
/// recordings, splits and journals give clear errors.
@Suite struct ExportPipelineTests {
    static let input = InputSpec(windowsOf: ["Resp C", "Resp A"], samplingRate: 1, samplesPerWindow: 60,
                                 normalization: .belts)
    static let created = Date(timeIntervalSince1970: 1_795_000_000)

    static func settings(count: Int = 24) -> ExportSettings {
        var s = ExportSettings()
        s.holdout = 1
        s.teacherEpochs = 12
        s.identityEpochs = 12
        s.synthesis.count = count
        s.synthesis.anonymization = AnonymizationOptions(target: .classConditional, weight: 1, klBound: 3)
        // The held-out record stops the teacher early, so it is less sure than the synthesizer tests' teacher.
        s.synthesis.thresholdMin = 0.6
        s.synthesis.thresholdMax = 0.9
        s.synthesis.maxConsecutiveFailures = 30
        s.seed = 3
        s.checkpointInterval = .zero
        return s
    }

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stim-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs the pipeline in a fresh folder, cancelled after `stopAfter` synthesis steps (and resumed) when given.
    static func export(_ settings: ExportSettings, stopAfter: Int? = nil) throws -> (bytes: [UInt8], result: ExportResult) {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = "\(dir)/toy.stim"
        let pipeline = ExportPipeline(settings: settings)
        let windows = try ToyWindows.make(perPerson: 40)
        if let stopAfter {
            var steps = 0
            let stopped = try pipeline.run(windows, input: input, output: out, isCancelled: {
                steps += 1
                return steps > stopAfter
            })
            #expect(!stopped.completed && stopped.stimuli.count > 0 && stopped.stimuli.count < settings.synthesis.count)
            #expect(throws: ExportError.self) { try pipeline.write(stopped, to: out, producer: "test", created: created) }
            #expect(FileManager.default.fileExists(atPath: out + ".journal"))
        }
        let result = try pipeline.run(windows, input: input, output: out)
        #expect(result.completed)
        try pipeline.write(result, to: out, producer: "test", created: created)
        #expect(!FileManager.default.fileExists(atPath: out + ".journal"))
        #expect(!FileManager.default.fileExists(atPath: out + ".checkpoint"))
        return ([UInt8](try Data(contentsOf: URL(fileURLWithPath: out))), result)
    }

    @Test func interruptedRunsResumeToTheSameDataset() throws {
        let (whole, result) = try Self.export(Self.settings())
        #expect(result.resumedStimuli == 0)
        // Checkpoints at every stimulus: the resumed run takes up the journal's stimuli.
        let (resumed, again) = try Self.export(Self.settings(), stopAfter: 150)
        #expect(again.resumedStimuli > 0)
        #expect(resumed == whole)
        // No checkpoint yet (as after kill -9 before the first one): the journal is cut back, the run starts over.
        var rare = Self.settings()
        rare.checkpointInterval = .seconds(3600)
        let (restarted, _) = try Self.export(rare, stopAfter: 150)
        #expect(restarted == whole)

        // The file: the teacher's digest, the settings, soft labels and target classes.
        let reader = try DatasetReader(bytes: whole)
        let header = reader.header
        #expect(header.provenance.teacherDigest == result.teacherDigest && result.teacherDigest.count == 32)
        #expect(header.provenance.generator?.maxSteps == 50 && header.provenance.generator?.thresholdMax == 0.9)
        #expect(header.provenance.anonymization?.target == .classConditional)
        #expect(header.provenance.anonymization?.identities == 3)
        #expect(header.provenance.createdUTC == "2026-11-18T11:06:40Z")
        let chunk = try reader.chunk(at: 0)
        #expect(chunk.count == 24 && chunk.targetClass.map(Int.init) == result.stimuli.targetClasses)
        #expect(chunk.probabilities() == result.stimuli.softLabels)
        // Of each training record's 4 blocks of 10 windows, one is the membership slice.
        #expect(result.split.heldOut.count == 1 && result.heldOut.count == 40 && result.training.count == 90)
        #expect(result.unseen.count == 30)
    }

    /// The membership slice comes from the training records only, shares no window with what trained the teacher
    /// and the identity network, and neither network saw it: each is exactly a fresh training on `training`.
    @Test func membershipSliceIsKeptFromAllTraining() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let windows = try ToyWindows.make(perPerson: 40)
        let settings = Self.settings(count: 4)
        let result = try ExportPipeline(settings: settings).run(windows, input: Self.input, output: "\(dir)/toy.stim")
        let trainingNames = result.split.training.map { windows.personNames[$0] }
        let heldOutNames = result.split.heldOut.map { windows.personNames[$0] }
        #expect(result.unseen.personNames == trainingNames && result.training.personNames == trainingNames)
        #expect(Set(result.unseen.persons).count == 3 && result.unseen.count == 30)
        #expect(Set(result.unseen.persons.map { result.unseen.personNames[$0] }).isDisjoint(with: heldOutNames))
        func rows(_ w: LabelledWindows) -> Set<[Float]> {
            Set((0..<w.count).map { Array(w.inputs[($0 * w.exampleSize)..<(($0 + 1) * w.exampleSize)]) })
        }
        let unseen = rows(result.unseen), trained = rows(result.training)
        #expect(unseen.count == 30 && unseen.isDisjoint(with: trained) && unseen.isDisjoint(with: rows(result.heldOut)))
        #expect(unseen.union(trained) == rows(windows.of(persons: Set(result.split.training))))

        var options = StudentTrainingOptions()
        options.epochs = settings.teacherEpochs
        options.seed = settings.seed
        options.threads = settings.threads
        // The held-out records neither train nor stop the teacher: they only measure it.
        let teacher = try StudentTrainer(options: options).train(.cnn, on: try result.training.classData())
        #expect(teacher.body == result.teacher.body && result.teacher.epochs == settings.teacherEpochs)
        let measured = try Student(body: teacher.body, inputShape: windows.exampleShape, classes: windows.classes)
            .accuracy(on: try result.heldOut.classData())
        #expect(result.teacher.validationAccuracy == measured)
        options.epochs = settings.identityEpochs
        #expect(try StudentTrainer(options: options).train(.cnn, on: try result.training.personData()).body == result.identity.body)
    }

    @Test func noSliceWithoutHeldOutRecordsOrAReport() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let windows = try ToyWindows.make(perPerson: 40)
        var none = Self.settings(count: 2)
        none.holdout = 0
        let all = try ExportPipeline(settings: none).run(windows, input: Self.input, output: "\(dir)/a.stim")
        #expect(all.unseen.count == 0 && all.training.count == 160)
        var zero = Self.settings(count: 2)
        zero.membershipSliceFraction = 0
        let pipeline = ExportPipeline(settings: zero)
        let unsliced = try pipeline.run(windows, input: Self.input, output: "\(dir)/b.stim")
        #expect(unsliced.unseen.count == 0 && unsliced.training.count == 120)
        #expect(throws: ExportError.self) { try pipeline.evaluate(unsliced, dataset: "\(dir)/b.stim") }
        // Records of 30 windows give no block at 15%: a clear error before any training.
        #expect(throws: ExportError.self) {
            try ExportPipeline(settings: Self.settings()).run(try ToyWindows.make(perPerson: 30), input: Self.input,
                                                              output: "\(dir)/c.stim")
        }
    }

    @Test func aJournalOfOtherSettingsIsRefused() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = "\(dir)/toy.stim"
        let windows = try ToyWindows.make(perPerson: 40)
        var steps = 0
        _ = try ExportPipeline(settings: Self.settings()).run(windows, input: Self.input, output: out, isCancelled: {
            steps += 1
            return steps > 100
        })
        var other = Self.settings()
        other.synthesis.maxSteps = 40
        #expect(throws: ExportError.self) { try ExportPipeline(settings: other).run(windows, input: Self.input, output: out) }
        let fresh = try ExportPipeline(settings: other).run(windows, input: Self.input, output: out, restart: true)
        #expect(fresh.completed && fresh.resumedStimuli == 0)
    }

    @Test func badRecordingsAndSplitsGiveClearErrors() throws {
        #expect(throws: ExportError.data("no recordings given")) {
            try RecordWindows(windower: Windower(channels: ["Resp C"])).labelledWindows([])
        }
        let windows = try ToyWindows.make(perPerson: 20)
        let pipeline = ExportPipeline(settings: Self.settings())
        // Only class 0 in the training records.
        let normal = windows.subset(windows.labels.indices.filter { windows.labels[$0] == 0 })
        #expect(throws: ExportError.self) { try pipeline.run(normal, input: Self.input, output: "/nonexistent/x.stim") }
        var all = Self.settings()
        all.holdout = 4
        #expect(throws: ExportError.data("holding out 4 of 4 records leaves none to train the teacher")) {
            try ExportPipeline(settings: all).run(windows, input: Self.input, output: "/nonexistent/x.stim")
        }
        var named = Self.settings()
        named.holdoutRecords = ["p9"]
        #expect(throws: ExportError.self) {
            try ExportPipeline(settings: named).run(windows, input: Self.input, output: "/nonexistent/x.stim")
        }
        #expect(RecordSplit.defaultHoldout(records: 8) == 2 && RecordSplit.defaultHoldout(records: 3) == 0)
        let split = try RecordSplit(records: 8, seed: 1)
        #expect(split.heldOut.count == 2 && Set(split.training + split.heldOut) == Set(0..<8))
        #expect(split == (try RecordSplit(records: 8, seed: 1)))
    }
}
