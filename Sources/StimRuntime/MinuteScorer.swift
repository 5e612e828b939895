import StimFormats
import StimLearn
import StimSignals

/// Turns a belt's samples, fed as they arrive in any chunk sizes, into one `ScoredMinute` per completed minute:
/// it bridges short gaps (`StreamingGapFiller`), resamples to the model's rate (`StreamingResampler`, equal to the
/// offline `Resampler`), normalizes causally as the model's header states (`MinuteNormalizer`, as `Windower`
/// does), flags the minute's signal quality, and scores only good minutes through `Student`. `stim classify`
/// feeds a whole recording through it and the `stim score` daemon a live stream, so both give the same minutes.
public final class MinuteScorer {
    public struct Options: Sendable {
        /// Invalid runs up to this long (seconds) are bridged, as `Windower`'s `maxGapSeconds`.
        public var maxGapSeconds: Double
        /// Input values at or beyond these limits count as clipped (the ADC's or int16's rails); nil: never.
        public var saturationLimits: ClosedRange<Float>?
        /// A channel clipped for at least this share of a minute makes it `saturated`.
        public var saturatedShare: Double
        /// When the first sample was taken: seconds since the epoch live, 0 for a recording.
        public var start: Double

        public init(maxGapSeconds: Double = 5, saturationLimits: ClosedRange<Float>? = nil, saturatedShare: Double = 0.25,
                    start: Double = 0) {
            self.maxGapSeconds = maxGapSeconds
            self.saturationLimits = saturationLimits
            self.saturatedShare = saturatedShare
            self.start = start
        }
    }

    public let model: StudentModel
    public let options: Options
    public let inputRate: Double
    public var channels: Int { model.input.channels.count }
    /// Input samples per channel in a minute.
    public let inputPerMinute: Int
    /// Model samples per channel in a minute.
    public let modelPerMinute: Int
    /// Index of the apnea class among the model's classes.
    public let apneaClass: Int
    /// Input frames (one sample of every channel) taken so far.
    public private(set) var frames = 0
    /// Minutes emitted so far; the next one is minute `emitted`.
    public private(set) var emitted = 0

    private let student: Student
    private let maxGap: Int
    private var fillers: [StreamingGapFiller]
    /// Nil when the input rate cannot be resampled to the model's: every minute is then `wrongRate`.
    private var resamplers: [StreamingResampler]?
    private var normalizer: MinuteNormalizer
    /// Bridged samples seen per channel (their minute is index / inputPerMinute).
    private var bridgedCount: [Int]
    /// Model-rate samples per channel not yet emitted; element 0 is sample `emitted · modelPerMinute`.
    private var resampled: [[Float]]
    /// Tallies of minutes `emitted`, `emitted + 1`, ….
    private var tallies: [MinuteTally] = []
    /// Flags set from outside (the daemon's clock: a wrong rate), by minute.
    private var flags: [Int: SignalQuality] = [:]
    private var scratch: [Float] = []

    public init(model: StudentModel, inputRate: Double, options: Options = Options()) throws {
        let spec = model.input
        guard let first = spec.channels.first else { throw RuntimeError.model("the model names no input channel") }
        guard spec.channels.allSatisfy({ $0.samplingRate == first.samplingRate }) else {
            throw RuntimeError.model("the model's channels differ in sampling rate")
        }
        guard spec.windowSeconds == 60, Double(spec.samplesPerWindow) == 60 * first.samplingRate else {
            throw RuntimeError.model("the model's windows are not one minute (\(spec.samplesPerWindow) samples at "
                + "\(first.samplingRate) Hz, \(spec.windowSeconds) s)")
        }
        let normalization = WindowNormalization(spec.normalization)
        if let problem = MinuteNormalizer.problem(normalization, channels: spec.channels.count) {
            throw RuntimeError.model(problem)
        }
        guard let normalizer = MinuteNormalizer(normalization, channels: spec.channels.count) else {
            throw RuntimeError.model("the model's normalization cannot run minute by minute")
        }
        let perMinute = 60 * inputRate
        guard inputRate.isFinite, inputRate > 0, perMinute == perMinute.rounded() else {
            throw RuntimeError.input("the input rate \(inputRate) Hz does not give a whole number of samples per minute")
        }
        guard options.maxGapSeconds >= 0, options.maxGapSeconds.isFinite else {
            throw RuntimeError.input("the gap limit must be 0 or more seconds, not \(options.maxGapSeconds)")
        }
        guard options.saturatedShare > 0, options.saturatedShare <= 1 else {
            throw RuntimeError.input("the saturated share must lie in (0, 1], not \(options.saturatedShare)")
        }
        if let apnea = model.classNames.firstIndex(where: { $0.lowercased() == "apnea" }) {
            apneaClass = apnea
        } else if model.classNames.count == 2 {
            apneaClass = 1
        } else {
            throw RuntimeError.model("no class named 'apnea' among \(model.classNames)")
        }
        self.model = model
        self.options = options
        self.inputRate = inputRate
        self.normalizer = normalizer
        student = try Student(model: model)
        inputPerMinute = Int(perMinute)
        modelPerMinute = spec.samplesPerWindow
        maxGap = Int((options.maxGapSeconds * inputRate).rounded(.down))
        let n = spec.channels.count
        fillers = Array(repeating: StreamingGapFiller(maxGap: maxGap), count: n)
        resamplers = Resampler(from: inputRate, to: first.samplingRate).map { Array(repeating: StreamingResampler($0), count: n) }
        bridgedCount = Array(repeating: 0, count: n)
        resampled = Array(repeating: [], count: n)
    }

    /// Whether the input rate can be brought to the model's; if not, every minute is flagged `wrongRate`.
    public var canResample: Bool { resamplers != nil }

    /// Takes frames (`channels` values each, channel after channel; NaN marks an invalid sample) and returns the
    /// minutes they complete, in order.
    public func append(_ interleaved: [Float]) throws -> [ScoredMinute] {
        guard interleaved.count % channels == 0 else {
            throw RuntimeError.input("\(interleaved.count) values are not whole frames of \(channels) channels")
        }
        let count = interleaved.count / channels
        for c in 0..<channels {
            scratch.removeAll(keepingCapacity: true)
            for f in 0..<count { fillers[c].push(interleaved[f * channels + c], into: &scratch) }
            take(bridged: scratch, channel: c)
        }
        frames += count
        return try completedMinutes(final: false)
    }

    /// Takes `count` frames that never arrived (a stalled stream): invalid samples that also count as missing, so
    /// a minute missing more than the gap limit is `disconnected`.
    public func appendMissing(_ count: Int) throws -> [ScoredMinute] {
        guard count > 0 else { return [] }
        var f = frames
        var left = count
        while left > 0 {
            let minute = f / inputPerMinute
            let here = min(left, (minute + 1) * inputPerMinute - f)
            tallies[tallyIndex(minute)].missing += here
            f += here
            left -= here
        }
        return try append(Array(repeating: .nan, count: count * channels))
    }

    /// Flags a minute (not yet emitted) whatever its samples say: the daemon's clock saw a wrong rate.
    public func flag(_ minute: Int, as quality: SignalQuality) {
        if minute >= emitted { flags[minute] = quality }
    }

    /// Ends the stream: releases held samples, treats the signal as zero beyond its end like the offline filter,
    /// and returns the last minutes the model rate holds (a partial minute only when resampling rounds it up).
    public func finish() throws -> [ScoredMinute] {
        for c in 0..<channels {
            scratch.removeAll(keepingCapacity: true)
            fillers[c].finish(into: &scratch)
            take(bridged: scratch, channel: c)
            if resamplers != nil {
                scratch.removeAll(keepingCapacity: true)
                resamplers![c].finish(into: &scratch)
                resampled[c].append(contentsOf: scratch)
            }
        }
        return try completedMinutes(final: true)
    }

    private func take(bridged: [Float], channel c: Int) {
        for x in bridged {
            tallies[tallyIndex(bridgedCount[c] / inputPerMinute)].channels[c].add(x, limits: options.saturationLimits)
            bridgedCount[c] += 1
        }
        if resamplers != nil { resamplers![c].push(bridged, into: &resampled[c]) }
    }

    /// Where minute `minute`'s tally lies in `tallies`, adding empty ones up to it.
    private func tallyIndex(_ minute: Int) -> Int {
        while tallies.count <= minute - emitted { tallies.append(MinuteTally(channels: channels)) }
        return minute - emitted
    }

    private func completedMinutes(final: Bool) throws -> [ScoredMinute] {
        var out: [ScoredMinute] = []
        while true {
            let m = emitted
            let sourceDone = bridgedCount.allSatisfy { $0 >= (m + 1) * inputPerMinute }
            if resamplers == nil {
                guard sourceDone else { break }
                out.append(ScoredMinute(minute: m, start: start(m), quality: .wrongRate))
                advance(modelSamples: 0)
                continue
            }
            guard resampled.allSatisfy({ $0.count >= modelPerMinute }), sourceDone || final else { break }
            out.append(try score(m))
        }
        return out
    }

    private func score(_ m: Int) throws -> ScoredMinute {
        let t = modelPerMinute
        var minute = [Float]()
        minute.reserveCapacity(t * channels)
        for c in 0..<channels { minute.append(contentsOf: resampled[c][0..<t]) }
        let tally = tallies.first ?? MinuteTally(channels: channels)
        let quality = flags[m] ?? tally.quality(maxGap: maxGap, saturatedShare: options.saturatedShare,
                                                resampledValid: minute.allSatisfy(\.isFinite))
        var result = ScoredMinute(minute: m, start: start(m), quality: quality)
        if quality == .good {
            normalizer.normalize(&minute, samplesPerChannel: t)
            let p = try student.probabilities(minute)
            let predicted = argmaxRows(p, classes: student.classes)[0]
            result.apneaProbability = p[apneaClass]
            result.apnea = predicted == apneaClass
            result.signal = Array(minute[0..<t])
        } else {
            normalizer.skip(minute, samplesPerChannel: t)
        }
        advance(modelSamples: t)
        return result
    }

    private func advance(modelSamples t: Int) {
        if t > 0 { for c in 0..<channels { resampled[c].removeFirst(t) } }
        if !tallies.isEmpty { tallies.removeFirst() }
        flags[emitted] = nil
        emitted += 1
    }

    private func start(_ m: Int) -> Double { options.start + 60 * Double(m) }
}
