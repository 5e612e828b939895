/// The night daemon's logic, apart from its input and output: feeds arriving frames to a `MinuteScorer`, holds
/// them against the wall clock (a stream that falls silent past the gap limit is filled with missing samples,
/// so an unplugged belt yields `disconnected` minutes and scoring resumes when samples return; a minute whose
/// samples arrived at a rate far from the stated one is `wrongRate`), stores every minute in its sink, and on a
/// restart resumes the night the sink holds without losing or repeating a minute. Times are seconds on any
/// clock the caller chooses (tests pass their own).
public final class LiveScorer {
    public struct Options: Sendable {
        /// The stream runs this many times faster than real time (replays and tests); the clock checks scale.
        public var speed: Double
        /// A minute whose samples arrived at a rate off by more than this share is `wrongRate`; nil: no check.
        public var rateTolerance: Double?

        public init(speed: Double = 1, rateTolerance: Double? = 0.25) {
            self.speed = speed
            self.rateTolerance = rateTolerance
        }
    }

    /// How a restart picks up the night the sink holds.
    public enum Resume: Sendable {
        /// The input holds the night from its first sample (a file): minutes already stored are recomputed, with
        /// the same normalization history, and not stored or returned again.
        case replay
        /// The input goes on from now (a pipe from the belt): minutes continue from the stored ones, the time in
        /// between counted as `disconnected` minutes; the normalization history starts afresh.
        case continueByClock
    }

    public let scorer: MinuteScorer
    public let options: Options
    private let sink: MinuteSink?
    /// Stored minutes up to this index are not stored or returned again (replay).
    private var lastStored: Int
    /// Added to the scorer's minute indices (continuing by clock).
    private var minuteOffset = 0
    /// When minute 0 of the scorer began (seconds on the caller's clock), set by the first frame or the resume.
    private var base: Double?
    private let resume: Resume
    private let resumedFrom: ScoredMinute?
    /// Clock checks apply from this frame on (earlier frames were a backlog read as fast as it came).
    private var liveFromFrame: Int?
    private var lastArrival: Double?
    /// Arrival time of the frame that ended the previous minute (or of the first live frame).
    private var minuteMark: (frame: Int, time: Double)?
    /// Frames inserted for the current silence.
    private var insertedInSilence = 0

    public init(scorer: MinuteScorer, sink: MinuteSink?, resume: Resume, options: Options = Options()) throws {
        guard options.speed > 0, options.speed.isFinite else {
            throw RuntimeError.input("the speed must be a positive number, not \(options.speed)")
        }
        if let tolerance = options.rateTolerance, !(tolerance > 0 && tolerance.isFinite) {
            throw RuntimeError.input("the rate tolerance must be a positive share, not \(tolerance)")
        }
        self.scorer = scorer
        self.options = options
        self.sink = sink
        self.resume = resume
        resumedFrom = try sink?.lastMinute()
        lastStored = resumedFrom?.minute ?? -1
        if let last = resumedFrom, resume == .replay { base = last.start - 60 * Double(last.minute) }
    }

    /// The last minute stored (or delivered, without a sink), nil before the first.
    public var storedThrough: Int? { lastStored >= 0 ? lastStored : nil }

    /// The minute the night resumed after, if the sink held one.
    public var resumedAfter: ScoredMinute? { resumedFrom }

    /// From now on the input is live: its frames arrive as they are taken, so the clock checks apply.
    public func caughtUp(at now: Double) {
        guard liveFromFrame == nil else { return }
        liveFromFrame = scorer.frames
        lastArrival = now
    }

    /// Takes frames that arrived at `now`; returns the new minutes they complete (stored in the sink first).
    public func receive(_ interleaved: [Float], at now: Double) throws -> [ScoredMinute] {
        guard !interleaved.isEmpty else { return [] }
        var out: [ScoredMinute] = []
        if base == nil { try begin(at: now, into: &out) }
        let count = interleaved.count / scorer.channels
        if liveFromFrame != nil && minuteMark == nil { minuteMark = (scorer.frames, now) }
        checkRate(through: scorer.frames + count, at: now)
        lastArrival = now
        insertedInSilence = 0
        out += try deliver(try scorer.append(interleaved))
        return out
    }

    /// Called when no frame came for a while: a silence past the gap limit becomes missing frames up to `now`.
    public func idle(at now: Double) throws -> [ScoredMinute] {
        guard liveFromFrame != nil, base != nil, let last = lastArrival else { return [] }
        let silence = (now - last) * options.speed
        guard silence > scorer.options.maxGapSeconds else { return [] }
        let due = Int((silence * scorer.inputRate).rounded(.down)) - insertedInSilence
        guard due > 0 else { return [] }
        insertedInSilence += due
        let result = try deliver(try scorer.appendMissing(due))
        // The frames after a silence measure the rate from their own arrival.
        minuteMark = (scorer.frames, now)
        return result
    }

    /// The end of the stream: the minutes its last samples complete.
    public func finish() throws -> [ScoredMinute] {
        try deliver(try scorer.finish())
    }

    private func begin(at now: Double, into out: inout [ScoredMinute]) throws {
        base = now
        guard resume == .continueByClock, let last = resumedFrom else { return }
        // Whole minutes between the stored night's last minute and now had no samples here.
        let nextStart = last.start + 60
        let between = max(0, Int(((now - nextStart) * options.speed / 60).rounded(.down)))
        var filler: [ScoredMinute] = []
        for k in 0..<between {
            filler.append(ScoredMinute(minute: last.minute + 1 + k, start: nextStart + 60 * Double(k), quality: .disconnected))
        }
        minuteOffset = last.minute + 1 + between
        base = nextStart + 60 * Double(between)
        out += try store(filler)
    }

    private func checkRate(through frames: Int, at now: Double) {
        guard let tolerance = options.rateTolerance, let live = liveFromFrame, var mark = minuteMark else { return }
        let perMinute = scorer.inputPerMinute
        // Each minute boundary crossed by these frames closes a minute whose arrival rate we can judge.
        while (mark.frame / perMinute + 1) * perMinute <= frames {
            let end = (mark.frame / perMinute + 1) * perMinute
            let minute = end / perMinute - 1
            let elapsed = (now - mark.time) * options.speed
            let expected = Double(end - mark.frame) / scorer.inputRate
            if mark.frame >= live, end - mark.frame >= perMinute / 2, elapsed > 0 {
                let ratio = expected / elapsed
                if ratio > 1 + tolerance || ratio < 1 / (1 + tolerance) { scorer.flag(minute, as: .wrongRate) }
            }
            mark = (end, now)
        }
        minuteMark = mark
    }

    /// Shifts the scorer's minutes onto the night's timeline, then stores and returns the ones not stored yet.
    private func deliver(_ minutes: [ScoredMinute]) throws -> [ScoredMinute] {
        try store(minutes.map { m in
            var shifted = m
            shifted.minute += minuteOffset
            shifted.start += base ?? 0
            return shifted
        })
    }

    private func store(_ minutes: [ScoredMinute]) throws -> [ScoredMinute] {
        var out: [ScoredMinute] = []
        for m in minutes where m.minute > lastStored {
            do {
                try sink?.store(m)
            } catch {
                throw RuntimeError.store("minute \(m.minute) was not stored: \(error)")
            }
            lastStored = m.minute
            out.append(m)
        }
        return out
    }
}
