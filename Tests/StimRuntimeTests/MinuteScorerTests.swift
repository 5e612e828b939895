import Foundation
import StimFormats
import StimKernels
import StimLearn
import StimSignals
import Testing
@testable import StimRuntime

@Suite struct MinuteScorerTests {
    let model = RuntimeFixtures.model

    /// The scorer's good minutes are `Windower`'s windows scored by `Student`: same resampling (10 → 1 Hz), gap
    /// bridging and causal normalization, bit for bit; the minutes `Windower` drops are not scored.
    @Test func goodMinutesAreTheOfflineWindows() throws {
        let night = try RuntimeFixtures.night(person: 3, minutes: 90, rate: 10)
        var signals = RuntimeFixtures.channels.map { night.recording.signal(named: $0)!.samples }
        for i in 3000..<3030 { signals[0][i] = .nan }   // minute 5: 3 s, bridged
        for i in 6000..<6200 { signals[1][i] = .nan }   // minute 10: 20 s, a gap
        var recording = night.recording
        for c in 0..<2 { recording.signals[c].samples = signals[c] }
        let windows = try Windower(channels: RuntimeFixtures.channels, rate: 1, normalization: .belts)
            .windows(of: recording, labels: (0..<90).map { MinuteLabel(minute: $0, apnea: false) }, file: "sim").windows
        let minutes = try RuntimeFixtures.score(RuntimeFixtures.interleave(signals), scorer: MinuteScorer(model: model, inputRate: 10),
                                                chunk: 37)
        #expect(minutes.map(\.minute) == Array(0..<90))
        #expect(windows.count >= 80 && windows.contains { $0.minute == 5 } && !windows.contains { $0.minute == 10 })
        let student = try Student(model: model)
        for w in windows {
            let m = minutes[w.minute]
            #expect(m.quality == .good)
            #expect(m.signal == Array(w.samples[0..<60]))
            #expect(m.apneaProbability == (try student.probabilities(w.samples))[1])
        }
        let windowed = Set(windows.map(\.minute))
        for m in minutes where !windowed.contains(m.minute) { #expect(m.quality != .good && m.apnea == nil) }
        #expect(minutes[10].quality == .gap)
        // Probabilities vary: the comparison above is not of constants.
        #expect(Set(minutes.compactMap(\.apneaProbability)).count > 20)
    }

    /// Whatever the chunk sizes, the same minutes (one frame at a time, odd sizes, the whole night at once).
    @Test func chunkSizesDoNotMatter() throws {
        let night = try RuntimeFixtures.night(person: 4, minutes: 30, rate: 4)
        let frames = RuntimeFixtures.interleave(RuntimeFixtures.channels.map { night.recording.signal(named: $0)!.samples })
        let whole = try RuntimeFixtures.score(frames, scorer: MinuteScorer(model: model, inputRate: 4), chunk: frames.count)
        for chunk in [1, 239, 241] {
            #expect(try RuntimeFixtures.score(frames, scorer: MinuteScorer(model: model, inputRate: 4), chunk: chunk) == whole)
        }
        #expect(whole.count == 30 && whole.allSatisfy { $0.quality == .good })
    }

    /// One flag per kind of bad signal, never a score; good minutes around them are scored.
    @Test func qualityFlags() throws {
        let night = try RuntimeFixtures.night(person: 5, minutes: 20, rate: 1)
        var s = RuntimeFixtures.channels.map { night.recording.signal(named: $0)!.samples }
        for i in 120..<180 { s[1][i] = 0.25 }                       // 2: a flat line on one channel
        for i in 180..<240 { s[0][i] = 0; s[1][i] = 0 }             // 3: both belts read a constant (unplugged)
        for i in 240..<270 { s[0][i] = 1.55 }                       // 4: chest at its rail for 30 s
        for i in 300..<310 { s[1][i] = .nan }                       // 5: a 10-s gap
        for i in 420..<720 { s[0][i] = .nan; s[1][i] = .nan }       // 7-11: unplugged for 5 minutes
        for i in 785..<788 { s[0][i] = .nan }                       // 13: a 3-s dropout, bridged
        let scorer = try MinuteScorer(model: model, inputRate: 1, options: .init(saturationLimits: -1.55...1.55))
        let minutes = try RuntimeFixtures.score(RuntimeFixtures.interleave(s), scorer: scorer, chunk: 50)
        let flags = minutes.map(\.quality)
        #expect(Array(flags[2...5]) == [.flat, .disconnected, .saturated, .gap])
        #expect(Array(flags[7...11]) == Array(repeating: .disconnected, count: 5))
        #expect(flags[6] == .good && flags[12] == .good && flags[13] == .good && flags[0] == .good)
        for m in minutes { #expect((m.apnea != nil) == (m.quality == .good) && (m.apneaProbability != nil) == (m.apnea != nil)) }
        // A minute clipped for less than the share is still good.
        #expect(scorer.options.saturatedShare == 0.25)
    }

    /// Samples that never arrived (a stalled stream) are missing: past the gap limit the minute is disconnected.
    @Test func missingSamplesAreDisconnected() throws {
        let night = try RuntimeFixtures.night(person: 6, minutes: 10, rate: 1)
        let frames = RuntimeFixtures.interleave(RuntimeFixtures.channels.map { night.recording.signal(named: $0)!.samples })
        let scorer = try MinuteScorer(model: model, inputRate: 1)
        var minutes = try scorer.append(Array(frames[0..<480]))
        minutes += try scorer.appendMissing(300)
        minutes += try scorer.append(Array(frames[480...]))
        minutes += try scorer.finish()
        #expect(minutes.map(\.quality) == Array(repeating: .good, count: 4) + Array(repeating: .disconnected, count: 5)
            + Array(repeating: .good, count: 6))
    }

    /// A rate that cannot be brought to the model's (60/10001 is no fraction with terms up to 10,000): every
    /// minute is wrong-rate, none is scored; the daemon's flag overrides the samples.
    @Test func wrongRate() throws {
        let rate = 10001.0 / 60
        let scorer = try MinuteScorer(model: model, inputRate: rate)
        #expect(!scorer.canResample)
        var frames: [Float] = []
        for i in 0..<(3 * 10001) {
            frames.append(Float(sin(Double(i) * 0.01)))
            frames.append(Float(cos(Double(i) * 0.013)))
        }
        let minutes = try RuntimeFixtures.score(frames, scorer: scorer, chunk: 5000)
        #expect(minutes.count == 3 && minutes.allSatisfy { $0.quality == .wrongRate && $0.apnea == nil })

        let flagged = try MinuteScorer(model: model, inputRate: 1)
        flagged.flag(1, as: .wrongRate)
        let night = try RuntimeFixtures.night(person: 6, minutes: 3, rate: 1)
        let good = RuntimeFixtures.interleave(RuntimeFixtures.channels.map { night.recording.signal(named: $0)!.samples })
        #expect(try RuntimeFixtures.score(good, scorer: flagged, chunk: 60).map(\.quality) == [.good, .wrongRate, .good])
    }

    @Test func badParametersAreTypedErrors() throws {
        #expect(throws: RuntimeError.self) { try MinuteScorer(model: model, inputRate: .nan) }
        #expect(throws: RuntimeError.self) { try MinuteScorer(model: model, inputRate: 1.01) }
        #expect(throws: RuntimeError.self) { try MinuteScorer(model: model, inputRate: 1, options: .init(maxGapSeconds: -1)) }
        var record = model
        record.input.normalization.method = .recordZScore
        #expect(throws: RuntimeError.model("whole-recording z-score is not causal: it cannot normalize minutes as they come")) {
            try MinuteScorer(model: record, inputRate: 1)
        }
        var threeClasses = model
        threeClasses.classNames = ["a", "b", "c"]
        #expect(throws: RuntimeError.self) { try MinuteScorer(model: threeClasses, inputRate: 1) }
        let scorer = try MinuteScorer(model: model, inputRate: 1)
        #expect(throws: RuntimeError.self) { try scorer.append([1, 2, 3]) }
    }
}
