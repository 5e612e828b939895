import StimSignals
import Testing
@testable import StimRuntime

/// The daemon's clock logic with a clock the test holds: frames arrive one per (stream) second unless said otherwise.
@Suite struct LiveScorerTests {
    let model = RuntimeFixtures.model

    func frames(minutes: Int, person: Int = 7) throws -> [Float] {
        let night = try RuntimeFixtures.night(person: person, minutes: minutes, rate: 1)
        return RuntimeFixtures.interleave(RuntimeFixtures.channels.map { night.recording.signal(named: $0)!.samples })
    }

    func live(sink: MinuteSink? = nil, resume: LiveScorer.Resume = .continueByClock) throws -> LiveScorer {
        try LiveScorer(scorer: MinuteScorer(model: model, inputRate: 1), sink: sink, resume: resume)
    }

    /// Frames `range` of `all`, one a second from `start`, with the daemon's idle calls in between.
    func feed(_ live: LiveScorer, _ all: [Float], _ range: Range<Int>, start: Double, step: Double = 1) throws -> [ScoredMinute] {
        var out: [ScoredMinute] = []
        for (k, f) in range.enumerated() {
            out += try live.receive(Array(all[(2 * f)..<(2 * f + 2)]), at: start + Double(k) * step)
        }
        return out
    }

    @Test func beltUnpluggedForFiveMinutes() throws {
        let all = try frames(minutes: 16)
        let daemon = try live()
        daemon.caughtUp(at: 0)
        var minutes = try feed(daemon, all, 0..<360, start: 0)
        // Nothing arrives from t = 360 to 659; the daemon looks every half second.
        for tick in stride(from: 360.0, to: 660, by: 0.5) { minutes += try daemon.idle(at: tick) }
        minutes += try feed(daemon, all, 360..<600, start: 660)
        #expect(minutes.map(\.minute) == Array(0..<15))
        #expect(minutes.map(\.quality) == Array(repeating: .good, count: 6) + Array(repeating: .disconnected, count: 5)
            + Array(repeating: .good, count: 4))
        #expect(minutes[11].start == 660 && minutes[11].apnea != nil)
    }

    @Test func samplesArrivingTwiceTooFastAreWrongRate() throws {
        let all = try frames(minutes: 6)
        let daemon = try live()
        daemon.caughtUp(at: 0)
        var minutes = try feed(daemon, all, 0..<180, start: 0)
        minutes += try feed(daemon, all, 180..<240, start: 180, step: 0.5)  // minute 3 in 30 s
        minutes += try feed(daemon, all, 240..<360, start: 210)
        #expect(minutes.map(\.quality) == [.good, .good, .good, .wrongRate, .good, .good])
        // Without the check, or with the stream declared 2× real time, the same minute is good.
        let relaxed = try LiveScorer(scorer: MinuteScorer(model: model, inputRate: 1), sink: nil, resume: .replay,
                                     options: .init(rateTolerance: nil))
        relaxed.caughtUp(at: 0)
        var again = try feed(relaxed, all, 0..<180, start: 0)
        again += try feed(relaxed, all, 180..<240, start: 180, step: 0.5)
        #expect(again.map(\.quality) == [.good, .good, .good, .good])
    }

    /// A backlog read before the input is live is not judged by the clock.
    @Test func backlogIsNotWrongRate() throws {
        let all = try frames(minutes: 4)
        let daemon = try live(resume: .replay)
        let minutes = try daemon.receive(all, at: 0) + daemon.finish()
        #expect(minutes.map(\.quality) == Array(repeating: .good, count: 4))
    }

    /// Killed after minute 6 and restarted on the same file: the night is replayed, nothing stored twice, and the
    /// stored night equals one run without the kill.
    @Test func replayResumesWithoutLossOrRepeat() throws {
        let all = try frames(minutes: 12)
        let whole = try live(resume: .replay)
        let expected = try whole.receive(all, at: 100) + whole.finish()

        let sink = MemorySink()
        let first = try live(sink: sink, resume: .replay)
        let before = try first.receive(Array(all[0..<(2 * 430)]), at: 100)
        #expect(before.map(\.minute) == Array(0..<7) && sink.minutes.count == 7)
        let second = try live(sink: sink, resume: .replay)
        #expect(second.resumedAfter?.minute == 6)
        let after = try second.receive(all, at: 5000) + second.finish()
        #expect(after.map(\.minute) == Array(7..<12))
        #expect(sink.minutes == expected)
    }

    /// Restarted on a live pipe 2.5 minutes after the last stored minute ended: the minutes in between are
    /// disconnected, the new ones continue the count.
    @Test func continuingByClock() throws {
        let sink = MemorySink()
        for m in 0..<5 { try sink.store(ScoredMinute(minute: m, start: 1000 + 60 * Double(m), quality: .good)) }
        let daemon = try live(sink: sink, resume: .continueByClock)
        daemon.caughtUp(at: 1450)
        let minutes = try feed(daemon, try frames(minutes: 2), 0..<120, start: 1450)
        #expect(minutes.map(\.minute) == [5, 6, 7, 8])
        #expect(Array(minutes.map(\.quality)[0..<2]) == [.disconnected, .disconnected])
        #expect(minutes.map(\.start) == [1300, 1360, 1420, 1480])
        #expect(sink.minutes.count == 9)
    }

    /// A store that fails (a full disk) stops the daemon with a store error naming the minute.
    @Test func storeFailureIsATypedError() throws {
        let sink = MemorySink()
        sink.failAfter = 2
        let daemon = try live(sink: sink, resume: .replay)
        #expect(throws: RuntimeError.store("minute 2 was not stored: store: no space left on device")) {
            _ = try daemon.receive(try frames(minutes: 4), at: 0)
        }
        #expect(sink.minutes.count == 2)
    }
}
