import Foundation
import StimKernels
import StimLearn
import Testing
@testable import StimExporter

/// The activation-maximization loop on a teacher trained on toy windows: thresholds met, soft labels the teacher's,
/// classes balanced, anonymization effective, runs reproducible.
@Suite struct StimulusSynthesizerTests {
    static func settings(count: Int = 40, seed: UInt64 = 7, anonymization: AnonymizationOptions? = nil) -> SynthesisSettings {
        var s = SynthesisSettings()
        s.count = count
        s.seed = seed
        s.anonymization = anonymization
        return s
    }

    @Test func acceptedStimuliPassTheirThresholdWithTheTeachersSoftLabels() throws {
        let synthesizer = try ToyWindows.synthesizer(Self.settings())
        #expect(try synthesizer.run())
        let stimuli = synthesizer.stimuli, log = synthesizer.log
        #expect(stimuli.count == 40 && log.acceptedCount == 40)
        #expect(stimuli.targetClasses.filter { $0 == 1 }.count == 20)  // equal classes by default
        // The soft labels are the frozen teacher's softmax of the stimulus, recomputed here from scratch.
        let teacher = try ToyWindows.teacher()
        let logits = teacher.predict(stimuli.inputs)
        let accepted = log.attempts.filter(\.accepted)
        for i in 0..<stimuli.count {
            let z = Array(logits[(2 * i)..<(2 * i + 2)])
            let p1 = 1 / (1 + FloatMath.exp(z[0] - z[1]))
            #expect(abs(stimuli.softLabels[2 * i + 1] - p1) < 1e-5)
            let target = stimuli.targetClasses[i]
            #expect(accepted[i].targetClass == target)
            #expect(stimuli.softLabels[2 * i + target] > accepted[i].threshold)
            #expect((0.75...0.9999).contains(accepted[i].threshold))
            #expect(accepted[i].steps <= 50)
        }
        #expect(stimuli.inputs.allSatisfy { abs($0) <= 1 })  // tanh output
        // Some stimuli needed steps: the generator is trained, not merely sampled.
        #expect(accepted.contains { $0.steps > 0 })
        #expect(synthesizer.timing.steps == log.attempts.reduce(0) { $0 + $1.steps })
    }

    /// Failed attempts restart the generator; with one step allowed and a threshold the untrained generator rarely
    /// meets, most attempts fail and each is logged.
    @Test func failuresAreLoggedAndReinitialize() throws {
        var settings = Self.settings(count: 4)
        settings.maxSteps = 1
        settings.thresholdMin = 0.9998
        let synthesizer = try ToyWindows.synthesizer(settings)
        var checks = 0
        try synthesizer.run(isCancelled: {
            checks += 1
            return checks > 2_000
        })
        #expect(synthesizer.log.failedCount > 0)
        #expect(synthesizer.log.attempts.filter { !$0.accepted }.allSatisfy { $0.steps == 1 })
    }

    @Test func anonymizationLowersTheKLToTheTarget() throws {
        let windows = try ToyWindows.make()
        for target in AnonymizationOptions.Target.allCases {
            let targets = IdentityTargets.targets(target, windows)
            func meanKL(_ anonymization: AnonymizationOptions?) throws -> Double {
                let synthesizer = try ToyWindows.synthesizer(Self.settings(count: 30, anonymization: anonymization),
                                                             targets: targets)
                #expect(try synthesizer.run())
                let posteriors = try ToyWindows.posteriors(synthesizer.stimuli)
                let kls = zip(posteriors, synthesizer.stimuli.targetClasses).map { q, k in
                    // KL(target ‖ posterior), computed here independently in Double.
                    zip(targets[k], q).reduce(0.0) { $0 + ($1.0 > 0 ? Double($1.0) * log(Double($1.0) / Double(max($1.1, 1e-38))) : 0) }
                }
                if let bound = anonymization?.klBound { #expect(kls.allSatisfy { $0 <= Double(bound) + 1e-4 }) }
                return kls.reduce(0, +) / Double(kls.count)
            }
            let off = try meanKL(nil)
            let on = try meanKL(AnonymizationOptions(target: target, weight: 1, klBound: 0.3))
            #expect(on < off / 2, "\(target): mean KL \(on) anonymized, \(off) not")
        }
    }

    @Test func sameSeedSameStimuliOtherSeedOthers() throws {
        let anonymization = AnonymizationOptions(target: .marginal, weight: 1, klBound: 1)
        let a = try ToyWindows.synthesizer(Self.settings(count: 10, anonymization: anonymization))
        let b = try ToyWindows.synthesizer(Self.settings(count: 10, anonymization: anonymization))
        let c = try ToyWindows.synthesizer(Self.settings(count: 10, seed: 8, anonymization: anonymization))
        for s in [a, b, c] { try s.run() }
        #expect(a.stimuli.inputs == b.stimuli.inputs && a.stimuli.softLabels == b.stimuli.softLabels)
        #expect(a.log == b.log)
        #expect(a.stimuli.inputs != c.stimuli.inputs)
    }

    /// Cancelled mid-run, restored from a checkpoint taken at an accepted stimulus: the rest is what an uninterrupted
    /// run makes.
    @Test func restoredCheckpointGoesOnIdentically() throws {
        let settings = Self.settings(count: 16, anonymization: AnonymizationOptions())
        let whole = try ToyWindows.synthesizer(settings)
        try whole.run()

        let first = try ToyWindows.synthesizer(settings)
        var saved: (SynthesisCheckpoint, StimulusSet)?
        #expect(try first.run(isCancelled: { first.stimuli.count >= 9 }) { index in
            if index == 5 { saved = (try first.checkpoint(), first.stimuli) }
        } == false)
        #expect(throws: ExportError.self) { try first.run() }  // stopped mid-attempt
        let (checkpoint, stimuli) = try #require(saved)
        let second = try ToyWindows.synthesizer(settings)
        try second.restore(checkpoint, stimuli: stimuli)
        #expect(try second.run())
        #expect(second.stimuli.inputs == whole.stimuli.inputs && second.stimuli.softLabels == whole.stimuli.softLabels)
        #expect(second.stimuli.targetClasses == whole.stimuli.targetClasses && second.log == whole.log)
    }

    /// A generator started afresh every 3 accepted stimuli: restored from a checkpoint at the 6th with its weights
    /// changed, it goes on exactly as the uninterrupted run (they are replaced before they are used), while a generator
    /// that trains on makes other stimuli from changed weights (checkpoints where the next attempt succeeds: a failed
    /// one starts afresh anyway); and it makes other stimuli than one that only restarts on failures.
    @Test func freshGeneratorEveryFewStimuli() throws {
        func resumedScrambled(_ settings: SynthesisSettings, after index: Int) throws -> (resumed: StimulusSet, whole: StimulusSet) {
            let whole = try ToyWindows.synthesizer(settings)
            try whole.run()
            let first = try ToyWindows.synthesizer(settings)
            var saved: (SynthesisCheckpoint, StimulusSet)?
            _ = try first.run(isCancelled: { first.stimuli.count >= 9 }) {
                if $0 == index { saved = (try first.checkpoint(), first.stimuli) }
            }
            var (checkpoint, stimuli) = try #require(saved)
            checkpoint.generator = checkpoint.generator.map { $0.map { 1.01 * $0 } }
            let second = try ToyWindows.synthesizer(settings)
            try second.restore(checkpoint, stimuli: stimuli)
            #expect(try second.run())
            return (second.stimuli, whole.stimuli)
        }
        var settings = Self.settings(count: 12)
        settings.freshGeneratorEvery = nil
        let trainsOn = try resumedScrambled(settings, after: 6)
        #expect(trainsOn.resumed.inputs != trainsOn.whole.inputs)
        settings.freshGeneratorEvery = 3
        let fresh = try resumedScrambled(settings, after: 5)
        #expect(fresh.resumed.inputs == fresh.whole.inputs && fresh.resumed.softLabels == fresh.whole.softLabels)
        // The first three stimuli come before any fresh start.
        let size = 3 * fresh.whole.exampleShape.reduce(1, *)
        #expect(fresh.whole.inputs.prefix(size) == trainsOn.whole.inputs.prefix(size))
        #expect(fresh.whole.inputs.dropFirst(size) != trainsOn.whole.inputs.dropFirst(size))
        settings.freshGeneratorEvery = 0
        #expect(throws: ExportError.self) { try ToyWindows.synthesizer(settings) }
    }

    @Test func badSettingsAreRefused() throws {
        var settings = Self.settings()
        settings.count = 0
        #expect(throws: ExportError.self) { try ToyWindows.synthesizer(settings) }
        settings = Self.settings()
        settings.thresholdMax = 1.5
        #expect(throws: ExportError.self) { try ToyWindows.synthesizer(settings) }
        settings = Self.settings()
        settings.classFractions = [1, -1]
        #expect(throws: ExportError.self) { try ToyWindows.synthesizer(settings) }
        settings = Self.settings(anonymization: AnonymizationOptions())
        #expect(throws: ExportError.self) { try ToyWindows.synthesizer(settings, targets: [[1]]) }
        #expect(throws: ExportError.self) {
            try StimulusSynthesizer(teacher: try ToyWindows.teacher(),
                                    generatorLayers: try GeneratorArchitecture.specs(outputShape: [2, 64]),
                                    settings: Self.settings())
        }
        #expect(throws: ExportError.self) { try GeneratorArchitecture.specs(outputShape: [2, 61]) }
    }

    @Test func quotasFollowTheFractions() {
        var settings = SynthesisSettings()
        settings.count = 10
        #expect(settings.quotas(classes: 3) == [4, 3, 3])
        settings.classFractions = [3, 1]
        #expect(settings.quotas(classes: 2) == [8, 2])
        settings.classFractions = [1, 0]
        #expect(settings.quotas(classes: 2) == [10, 0])
    }
}
