import Foundation
import StimKernels

/// One scored respiratory event of a simulated night, in seconds from the start of the recording.
public struct RespiratoryEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Airway closed, effort continues: chest and abdomen move in opposition (paradox).
        case obstructiveApnea
        /// No drive to breathe: both belts flat.
        case centralApnea
        /// Shallow breathing: amplitude reduced by the person's hypopnea factor.
        case hypopnea
    }

    public var kind: Kind
    public var onset: Double
    public var duration: Double

    public init(kind: Kind, onset: Double, duration: Double) {
        self.kind = kind
        self.onset = onset
        self.duration = duration
    }

    public var end: Double { onset + duration }
}

/// A body movement: an artifact on both belts, and, when `changesPosition`, new belt gains and offsets.
public struct Movement: Sendable, Equatable {
    public var onset: Double
    public var duration: Double
    public var changesPosition: Bool

    public init(onset: Double, duration: Double, changesPosition: Bool) {
        self.onset = onset
        self.duration = duration
        self.changesPosition = changesPosition
    }

    public var end: Double { onset + duration }
}

/// Independent random streams of one person, so that e.g. the events of a night do not depend on
/// the sampling rate (which changes how many noise samples are drawn).
enum SimulationStream: UInt64 {
    case traits = 0, events, movements, breaths, artifacts, noise

    func generator(seed: UInt64, index: Int) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: seed, stream: UInt64(bitPattern: Int64(index)) &* 8 &+ rawValue)
    }

    func generator(for person: SimulatedPerson) -> Xoshiro256StarStar {
        generator(seed: person.seed, index: person.index)
    }
}

extension RespiratoryEvent {
    /// Seconds of recovery breathing (deeper, faster breaths) after each event.
    static let recoverySeconds = 12.0
    /// Seconds of sleep onset at the start of the night without events.
    static let sleepOnsetSeconds = 600.0

    /// Events of `person` over `seconds`: a renewal process whose mean spacing makes the rate
    /// `eventsPerHour`, with at least 10 s of normal breathing after each recovery.
    static func schedule(for person: SimulatedPerson, seconds: Double) -> [RespiratoryEvent] {
        guard person.eventsPerHour > 0 else { return [] }
        var rng = SimulationStream.events.generator(for: person)
        let meanDuration = 22.0
        let minimumGap = 10.0
        let spacing = 3600 / min(person.eventsPerHour, 90)
        let meanExtraGap = max(spacing - meanDuration - recoverySeconds - minimumGap, 1)
        var events: [RespiratoryEvent] = []
        var t = sleepOnsetSeconds + exponential(mean: meanExtraGap, &rng)
        while true {
            let kind = drawKind(person, &rng)
            // 10 s is the scoring minimum; durations are skewed towards 15–30 s, rarely over a minute.
            let duration = min(10 + exponential(mean: meanDuration - 10, &rng), 90)
            if t + duration + recoverySeconds > seconds { break }
            events.append(RespiratoryEvent(kind: kind, onset: t, duration: duration))
            t += duration + recoverySeconds + minimumGap + exponential(mean: meanExtraGap, &rng)
        }
        return events
    }

    private static func drawKind(_ p: SimulatedPerson, _ rng: inout Xoshiro256StarStar) -> Kind {
        let u = rng.nextDouble() * (p.obstructiveShare + p.centralShare + p.hypopneaShare)
        if u < p.obstructiveShare { return .obstructiveApnea }
        if u < p.obstructiveShare + p.centralShare { return .centralApnea }
        return .hypopnea
    }
}

extension Movement {
    /// Movements of `person` over `seconds`: Poisson arrivals, 2–8 s each; position changes are
    /// movements too (one cannot turn over without moving the belts).
    static func schedule(for person: SimulatedPerson, seconds: Double) -> [Movement] {
        var rng = SimulationStream.movements.generator(for: person)
        let rate = (person.movementsPerHour + person.positionChangesPerHour) / 3600
        guard rate > 0 else { return [] }
        let positionShare = person.positionChangesPerHour / (person.movementsPerHour + person.positionChangesPerHour)
        var movements: [Movement] = []
        var t = exponential(mean: 1 / rate, &rng)
        while t < seconds {
            let duration = rng.nextDouble(in: 2..<8)
            let changes = rng.nextDouble() < positionShare
            movements.append(Movement(onset: t, duration: min(duration, seconds - t), changesPosition: changes))
            t += duration + exponential(mean: 1 / rate, &rng)
        }
        return movements
    }
}

extension RespiratoryEvent {
    /// Apnea-ECG convention: a minute is an apnea minute when apneas or hypopneas cover at least
    /// `threshold` seconds of it (default 10 s, the scoring minimum for one event).
    public static func minuteLabels(
        for events: [RespiratoryEvent], minutes: Int, threshold: Double = 10
    ) -> [MinuteLabel] {
        var covered = [Double](repeating: 0, count: max(minutes, 0))
        for event in events where event.onset.isFinite && event.duration.isFinite {
            var m = Int(min(max(event.onset / 60, 0), Double(covered.count)))
            while m < covered.count, Double(m) * 60 < event.end {
                let start = max(event.onset, Double(m) * 60)
                let end = min(event.end, Double(m + 1) * 60)
                covered[m] += max(end - start, 0)
                m += 1
            }
        }
        return covered.enumerated().map { MinuteLabel(minute: $0.offset, apnea: $0.element >= threshold) }
    }
}

/// Exponential variate by inversion (1 − u is in (0, 1], so the log is finite).
func exponential(mean: Double, _ rng: inout Xoshiro256StarStar) -> Double {
    -mean * log(1 - rng.nextDouble())
}
