import ArgumentParser
import Foundation
import StimFormats
import StimRuntime

/// Set by SIGTERM or SIGINT; the read loop stops at the next turn.
nonisolated(unsafe) private var stopRequested: sig_atomic_t = 0

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "The night daemon: score a belt's samples minute by minute as they arrive.",
        discussion: """
            Input (--input): stdin (-), a FIFO, or a file. A file is read from its start; with --follow it is then \
            watched for new samples like `tail -f`, and read again from its start when truncated or reopened when \
            replaced (rotated), saying so on stderr. A followed FIFO may lose and regain its writer.
            Formats: csv, one line of --channels numbers per sample time (a header line is allowed; an empty field \
            or `nan` is an invalid sample), or int16, raw little-endian frames of --channels samples. Samples come \
            at --rate Hz, channels in the model's order. Malformed lines are reported on stderr with their line \
            number and skipped; they never stop the daemon.
            Every completed minute is written to stdout as one JSON line: minute, start (seconds since the epoch), \
            quality, probability and label (null when not scored). The scoring is `stim classify`'s, sample for \
            sample: short gaps are bridged, the model's normalization is applied causally, and only good minutes \
            are scored.
            Quality: flat (a channel constant), saturated (a channel at --range's limits, by default int16's \
            rails for int16 input, for --saturated-share of the minute), gap (invalid samples beyond --max-gap), \
            disconnected (no samples for longer than --max-gap, or every channel constant or invalid), wrong-rate \
            (a minute's samples arrived at a rate off by more than --rate-tolerance from --rate × --speed, on the \
            wall clock). When the input falls silent past --max-gap, the silence is counted as missing samples, so \
            an unplugged belt yields disconnected minutes and scoring resumes when samples return. The clock checks \
            start once the input is live: at once for a pipe or FIFO, after the first end of a followed file.
            Every minute is also stored in a SQLite database (--db, WAL journal, versioned schema) under the \
            night's name (--night), before it is written to stdout. A restart resumes the night: on a file (or stdin \
            from a file) the input is read again from its start, every minute recomputed with the same \
            normalization history and the stored ones neither stored nor written again; on a pipe or FIFO the \
            minutes continue from the last stored one, the time in between counted as disconnected minutes (the \
            normalization history starts afresh). So a kill -9 loses no minute and repeats none.
            SIGTERM or SIGINT: the minute being written is completed, the minute in progress is dropped (an \
            incomplete minute is never scored), and stim exits with status 0. The end of the input scores the last \
            whole minutes and exits with status 0. Status 3: a minute could not be stored (a full disk, a file-size \
            limit, a damaged database): stim says so and stops; the minutes before it are stored, and a restart \
            once there is room resumes after them. Status 1: bad options, an unreadable model, input or database.
            """
    )

    @Option(help: "Student model file (.stimm).")
    var model: String

    @Option(help: "Where samples come from: a file, a FIFO, or - for stdin.")
    var input = "-"

    @Option(help: "Sample format: csv or int16 (little-endian frames).")
    var format: SampleDecoder.Format = .csv

    @Option(help: "Samples per second per channel.")
    var rate: Double

    @Option(help: "Channels per sample time (default: the model's channel count, which it must equal).")
    var channels: Int?

    @Flag(help: "Keep reading a file as it grows (like tail -f) instead of stopping at its end.")
    var follow = false

    @Option(help: "The stream runs this many times faster than real time (replays, tests): the clock checks scale.")
    var speed = 1.0

    @Option(help: "A minute whose samples arrived at a rate off by more than this share is flagged wrong-rate.")
    var rateTolerance = 0.25

    @Flag(help: "Do not check the arrival rate against the wall clock.")
    var noRateCheck = false

    @Option(help: "SQLite file that keeps every minute (default: nights.sqlite in $STATE_DIRECTORY when systemd sets it, else beside the model).")
    var db: String?

    @Option(help: "Name of the night in the store (default: the date the night began; a start before noon belongs to the evening before).")
    var night: String?

    @OptionGroup(title: "Signal quality")
    var quality: QualityOptions

    func validate() throws {
        guard rate.isFinite, rate > 0 else { throw ValidationError("--rate must be a positive number of Hz") }
        if let channels, channels < 1 { throw ValidationError("--channels must be 1 or more") }
        guard speed.isFinite, speed > 0 else { throw ValidationError("--speed must be a positive number") }
        guard rateTolerance.isFinite, rateTolerance > 0 else { throw ValidationError("--rate-tolerance must be positive") }
        try quality.validate()
    }

    func run() throws {
        let student = try ModelFile.read(path: model)
        let n = student.input.channels.count
        if let channels, channels != n {
            throw ValidationError("--channels \(channels): the model takes \(n) channels ("
                + student.input.channels.map(\.name).joined(separator: ", ") + ")")
        }
        let rails: ClosedRange<Float>? = format == .int16 ? -32768...32767 : nil
        let scorer = try MinuteScorer(model: student, inputRate: rate,
                                      options: quality.scorerOptions(start: 0, defaultLimits: rails))
        if !scorer.canResample {
            Output.status("\(rate) Hz cannot be resampled to the model's \(student.input.channels[0].samplingRate) Hz: "
                + "every minute is flagged wrong-rate")
        }
        let source = try BeltInput(path: input, follow: follow, notice: Output.status)
        let store = try NightStore(path: databasePath)
        let sink = NightStoreSink(store: store, night: night ?? Self.nightName(Date()))
        let live = try LiveScorer(scorer: scorer, sink: sink, resume: source.isStream ? .continueByClock : .replay,
                                  options: LiveScorer.Options(speed: speed, rateTolerance: noRateCheck ? nil : rateTolerance))
        if let last = live.resumedAfter {
            Output.status("night \(sink.night) in \(databasePath): resuming after minute \(last.minute)"
                + (source.isStream ? "" : " (the input is read again from its start; stored minutes are not repeated)"))
        }
        var decoder = try SampleDecoder(format: format, channels: n)
        signal(SIGTERM) { _ in stopRequested = 1 }
        signal(SIGINT) { _ in stopRequested = 1 }
        // A parent may hand down a mask that blocks them (a test runner's spawning thread does).
        var stops = sigset_t()
        sigemptyset(&stops)
        sigaddset(&stops, SIGTERM)
        sigaddset(&stops, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &stops, nil)
        // Past a file-size limit a write fails with EFBIG and the store reports it, instead of a silent kill.
        signal(SIGXFSZ, SIG_IGN)
        if source.isStream { live.caughtUp(at: Self.now) }
        var written = 0, scored = 0
        func emit(_ minutes: [ScoredMinute]) {
            guard !minutes.isEmpty else { return }
            // Written at once, unbuffered: each minute reaches a pipe as soon as it is scored.
            FileHandle.standardOutput.write(Data(minutes.map { MinuteRecord($0).jsonLine + "\n" }.joined().utf8))
            written += minutes.count
            scored += minutes.filter { $0.apnea != nil }.count
        }
        func report(_ malformed: [SampleDecoder.Malformed]) {
            for m in malformed { Output.status("\(input): \(m) (skipped)") }
        }
        do {
            try loop(source: source, live: live, decoder: &decoder, emit: emit, report: report)
        } catch RuntimeError.store(let problem) {
            let kept = live.storedThrough.map { "minutes up to \($0) are stored" } ?? "no minute is stored"
            Output.status("stim score: \(problem): stopping; \(kept), and a restart resumes after them")
            throw ExitCode(3)
        }
        let stopped = stopRequested != 0 ? "stopped by a signal; " : ""
        Output.status("\(stopped)\(written) minutes written (\(scored) scored), \(decoder.malformedCount) malformed "
            + "line\(decoder.malformedCount == 1 ? "" : "s") skipped")
    }

    /// Reads until the input ends or a signal asks to stop.
    private func loop(source: BeltInput, live: LiveScorer, decoder: inout SampleDecoder, emit: ([ScoredMinute]) -> Void,
                      report: ([SampleDecoder.Malformed]) -> Void) throws {
        // Clock checks look twice per gap limit, at least every second of stream time.
        let tick = max(0.01, min(1, quality.maxGap / 2) / speed)
        reading: while stopRequested == 0 {
            switch source.next(timeout: tick) {
            case .data(let bytes):
                let (frames, malformed) = decoder.decode(bytes)
                report(malformed)
                emit(try live.receive(frames, at: Self.now))
            case .idle:
                if source.reachedEnd { live.caughtUp(at: Self.now) }
                emit(try live.idle(at: Self.now))
            case .end:
                let (frames, malformed) = decoder.finish()
                report(malformed)
                emit(try live.receive(frames, at: Self.now))
                emit(try live.finish())
                break reading
            }
        }
    }

    static var now: Double { Date().timeIntervalSince1970 }

    var databasePath: String {
        if let db { return db }
        if let state = ProcessInfo.processInfo.environment["STATE_DIRECTORY"], !state.isEmpty {
            return URL(fileURLWithPath: state).appendingPathComponent("nights.sqlite").path
        }
        return URL(fileURLWithPath: model).deletingLastPathComponent().appendingPathComponent("nights.sqlite").path
    }

    /// A night is named after its evening: the local date twelve hours before `time`.
    static func nightName(_ time: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: time.addingTimeInterval(-12 * 3600))
    }
}

extension SampleDecoder.Format: ExpressibleByArgument {}
