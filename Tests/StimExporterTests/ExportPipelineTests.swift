import Foundation
import StimFormats
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
        s.teacherEpochs = 4
        s.identityEpochs = 4
        s.synthesis.count = count
        s.synthesis.anonymization = AnonymizationOptions(target: .classConditional, weight: 1, klBound: 1)
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
        #expect(header.provenance.generator?.maxSteps == 50 && header.provenance.generator?.noiseDimension == 128)
        #expect(header.provenance.anonymization?.target == .classConditional)
        #expect(header.provenance.anonymization?.identities == 3)
        #expect(header.provenance.createdUTC == "2026-11-18T11:06:40Z")
        let chunk = try reader.chunk(at: 0)
        #expect(chunk.count == 24 && chunk.targetClass.map(Int.init) == result.stimuli.targetClasses)
        #expect(chunk.probabilities() == result.stimuli.softLabels)
        #expect(result.split.heldOut.count == 1 && result.heldOut.count == 40 && result.training.count == 120)
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
