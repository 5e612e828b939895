import StimFormats
import StimLearn
import StimRuntime
import StimSignals

/// A small student trained once on simulated belts (1 Hz, running z-score as `stim windows` writes), and helpers
/// that feed signals to a `MinuteScorer`.
enum RuntimeFixtures {
    static let channels = ["Resp C", "Resp A"]

    static func night(person: Int, minutes: Int, rate: Double) throws -> SimulatedNight {
        try BeltSimulator.night(for: SimulatedPerson.draw(seed: 11, index: person), minutes: minutes, samplingRate: rate)
    }

    /// An MLP on two simulated nights' windows: enough to give probabilities that vary from minute to minute.
    static let model: StudentModel = {
        do {
            let windower = Windower(channels: channels, rate: 1, normalization: .belts)
            var inputs: [Float] = [], labels: [Int] = []
            for person in 0..<2 {
                let night = try night(person: person, minutes: 120, rate: 1)
                for w in try windower.windows(of: night.recording, labels: night.labels, file: "sim").windows {
                    inputs += w.samples
                    labels.append(w.apnea == true ? 1 : 0)
                }
            }
            var options = StudentTrainingOptions()
            options.epochs = 5
            let data = try TrainingData(exampleShape: [2, 60], classes: 2, inputs: inputs, labels: labels)
            let trained = try StudentTrainer(options: options).train(.mlp, on: data)
            let normalization = WindowNormalization.belts
            guard case .runningZScore(let history) = normalization.method else { fatalError("belts normalization") }
            let spec = InputSpec(channels: channels.map { Channel(name: $0, unit: "", samplingRate: 1) }, samplesPerWindow: 60,
                                 normalization: Normalization(method: .runningZScore, historyMinutes: history,
                                                              epsilon: normalization.epsilon, clip: normalization.clip))
            return StudentModel(task: "apnea", classNames: ["normal", "apnea"], input: spec, body: trained.body)
        } catch {
            fatalError("the test student could not be trained: \(error)")
        }
    }()

    /// Channel-interleaved frames of the signals.
    static func interleave(_ signals: [[Float]]) -> [Float] {
        let n = signals.map(\.count).min() ?? 0
        var out: [Float] = []
        out.reserveCapacity(n * signals.count)
        for f in 0..<n { for s in signals { out.append(s[f]) } }
        return out
    }

    /// Every minute of the frames, fed in chunks of `chunk` frames, then the end of the stream.
    static func score(_ frames: [Float], scorer: MinuteScorer, chunk: Int) throws -> [ScoredMinute] {
        var minutes: [ScoredMinute] = []
        var i = 0
        let step = chunk * scorer.channels
        while i < frames.count {
            minutes += try scorer.append(Array(frames[i..<min(frames.count, i + step)]))
            i += step
        }
        return minutes + (try scorer.finish())
    }
}

/// Minutes kept in memory, as the SQLite store keeps them: a repeat is ignored.
final class MemorySink: MinuteSink {
    var minutes: [ScoredMinute] = []
    var failAfter: Int?

    func lastMinute() throws -> ScoredMinute? { minutes.max { $0.minute < $1.minute } }

    func store(_ minute: ScoredMinute) throws {
        if let failAfter, minutes.count >= failAfter { throw RuntimeError.store("no space left on device") }
        if !minutes.contains(where: { $0.minute == minute.minute }) { minutes.append(minute) }
    }
}
