import Foundation
import StimKernels

/// Breathing effort relative to normal at one instant: the events' physiology in two numbers.
struct Effort {
    /// Breath amplitude factor (1 normal, 0 central apnea, the hypopnea factor, > 1 recovery).
    var amplitude = 1.0
    /// Breath rate factor (> 1 during recovery breaths).
    var rate = 1.0
    /// 0: chest and abdomen in phase; 1: in opposition (obstructive paradox).
    var paradox = 0.0
}

extension Effort {
    /// Seconds over which breathing changes at the start and end of an event: real transitions take a
    /// breath or two, and a step would put energy at frequencies no belt records.
    static let rampSeconds = 2.0
    /// Recovery breaths: this much deeper and faster at the end of an event, fading over
    /// `RespiratoryEvent.recoverySeconds`.
    static let recoveryAmplitude = 1.8
    static let recoveryRate = 1.3

    /// Effort at time `t` during or after `event` (nil: no event nearby), for `person`.
    init(at t: Double, event: RespiratoryEvent?, person: SimulatedPerson) {
        guard let e = event else { return }
        if t >= e.onset && t < e.end {
            let r = Effort.rampSeconds
            let weight = min(min((t - e.onset) / r, (e.end - t) / r), 1)
            switch e.kind {
            case .centralApnea:
                amplitude = 1 - weight
            case .hypopnea:
                amplitude = 1 + (person.hypopneaAmplitudeFactor - 1) * weight
            case .obstructiveApnea:
                // Effort continues and grows against the closed airway.
                amplitude = 1 + 0.3 * weight * (t - e.onset) / e.duration
                paradox = weight
            }
        } else if t >= e.end && t < e.end + RespiratoryEvent.recoverySeconds {
            let fade = 1 - (t - e.end) / RespiratoryEvent.recoverySeconds
            let rise = min((t - e.end) / Effort.rampSeconds, 1)
            amplitude = 1 + (Effort.recoveryAmplitude - 1) * fade * rise
            rate = 1 + (Effort.recoveryRate - 1) * fade
        }
    }
}

/// One period of a waveform, tabulated: the sample loop evaluates four periodic functions per sample,
/// and a table with linear interpolation (error < 4e-7 with 4096 points) is several times faster than
/// calling sin.
struct WaveTable {
    private let values: [Double]
    private static let size = 4096

    init(_ f: (Double) -> Double) {
        values = (0...WaveTable.size).map { f(Double($0) / Double(WaveTable.size)) }
    }

    /// The waveform at `cycles` (any real number; only its fractional part matters).
    @inline(__always)
    func callAsFunction(_ cycles: Double) -> Double {
        let x = (cycles - cycles.rounded(.down)) * Double(WaveTable.size)
        let i = min(Int(x), WaveTable.size - 1)
        let f = x - Double(i)
        return values.withUnsafeBufferPointer { v in v[i] + (v[i + 1] - v[i]) * f }
    }

    static let sine = WaveTable { sin(2 * Double.pi * $0) }
    /// One breath: a sine with a second harmonic for the shorter, steeper inspiration.
    /// |0.2·sin 2x| < |sin x| away from 0 and π, so each breath crosses zero exactly twice.
    static let breath = WaveTable { sin(2 * Double.pi * $0) + 0.2 * sin(4 * Double.pi * $0) }
}

/// SpO2 of `person` at `t`: a dip per event whose fall starts `lag` seconds after onset (circulation
/// time from lung to finger), bottoms out `lag` after the event ends and recovers over 15 s.
enum Saturation {
    static let lag = 25.0
    static let recovery = 15.0

    static func dip(at t: Double, event e: RespiratoryEvent, person: SimulatedPerson) -> Double {
        let start = e.onset + lag
        let nadir = e.end + lag
        guard t > start && t < nadir + recovery else { return 0 }
        let severity: Double
        switch e.kind {
        case .obstructiveApnea: severity = 1
        case .centralApnea: severity = 0.8
        case .hypopnea: severity = 0.5
        }
        let depth = min(person.desaturationPerSecond * e.duration * severity, 15)
        return t <= nadir ? depth * (t - start) / (nadir - start) : depth * (1 - (t - nadir) / recovery)
    }
}

/// Belt gains and offsets in one sleep position.
struct BeltPosture {
    var chestGain: Double
    var abdomenGain: Double
    var chestOffset: Double
    var abdomenOffset: Double

    func blended(towards other: BeltPosture, by u: Double) -> BeltPosture {
        BeltPosture(
            chestGain: chestGain + (other.chestGain - chestGain) * u,
            abdomenGain: abdomenGain + (other.abdomenGain - abdomenGain) * u,
            chestOffset: chestOffset + (other.chestOffset - chestOffset) * u,
            abdomenOffset: abdomenOffset + (other.abdomenOffset - abdomenOffset) * u)
    }
}

/// A movement artifact: three slow random sinusoids under a Hann window, scaled to the belt gains.
struct Artifact {
    var movement: Movement
    var amplitude: Double
    var frequencies: (Double, Double, Double)
    /// Phases in cycles.
    var phases: (Double, Double, Double)
    /// Posture after the movement (unchanged unless it is a position change).
    var after: BeltPosture

    func value(at t: Double) -> Double {
        let u = (t - movement.onset) / movement.duration
        guard u > 0 && u < 1 else { return 0 }
        let window = 0.5 - 0.5 * cos(2 * Double.pi * u)
        return amplitude * window
            * (sin(2 * Double.pi * (t * frequencies.0 + phases.0))
                + sin(2 * Double.pi * (t * frequencies.1 + phases.1))
                + sin(2 * Double.pi * (t * frequencies.2 + phases.2))) / 3
    }

    /// Draws artifact shapes and postures for `movements`, in order, from the person's artifact stream.
    static func draw(for movements: [Movement], person: SimulatedPerson) -> [Artifact] {
        var rng = SimulationStream.artifacts.generator(for: person)
        var posture = BeltPosture(
            chestGain: person.chestGain, abdomenGain: person.abdomenGain,
            chestOffset: person.chestOffset, abdomenOffset: person.abdomenOffset)
        return movements.map { m in
            if m.changesPosition {
                // Turning over changes how tight each belt sits: new gains (±40 %) and offsets.
                posture.chestGain = person.chestGain * rng.nextDouble(in: 0.6..<1.4)
                posture.abdomenGain = person.abdomenGain * rng.nextDouble(in: 0.6..<1.4)
                posture.chestOffset = rng.nextDouble(in: -0.3..<0.3)
                posture.abdomenOffset = rng.nextDouble(in: -0.3..<0.3)
            }
            return Artifact(
                movement: m,
                amplitude: rng.nextDouble(in: 0.5..<1.5),
                frequencies: (rng.nextDouble(in: 0.2..<2), rng.nextDouble(in: 0.2..<2), rng.nextDouble(in: 0.2..<2)),
                phases: (rng.nextDouble(), rng.nextDouble(), rng.nextDouble()),
                after: posture)
        }
    }
}
