import Foundation
import StimKernels

/// A simulated night: the recording, its per-minute labels and the ground truth behind them.
public struct SimulatedNight: Sendable, Equatable {
    public var person: SimulatedPerson
    /// Signals `Resp C` and `Resp A` (chest and abdomen belts, unit-less like the Apnea-ECG belts,
    /// |x| ≤ 1.55) and `SpO2` (%), all at the requested rate.
    public var recording: Recording
    /// One label per minute of the night.
    public var labels: [MinuteLabel]
    public var events: [RespiratoryEvent]
    public var movements: [Movement]
}

/// Parameters the simulator refuses, named so the CLI can say which flag is wrong.
public enum BeltSimulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case samplingRate(Double)
    case minutes(Int)
    case tooManySamples(Int)
    /// A person's trait outside what the simulator models (NaN included).
    case trait(name: String, value: Double, bounds: ClosedRange<Double>)
    /// Events are wanted but no kind has a positive share.
    case noEventKinds

    public var description: String {
        switch self {
        case .samplingRate(let r):
            return "sampling rate \(r) Hz: must be finite, > 0 and ≤ \(BeltSimulator.maximumSamplingRate) Hz"
        case .minutes(let m):
            return "night of \(m) minutes: must be 1 to \(BeltSimulator.maximumMinutes) minutes"
        case .tooManySamples(let n):
            return "\(n) samples per signal: more than \(BeltSimulator.maximumSamples)"
        case .trait(let name, let value, let bounds):
            return "person trait \(name) = \(value): must be in \(bounds.lowerBound)...\(bounds.upperBound)"
        case .noEventKinds:
            return "person has events but no event kind with a positive share"
        }
    }
}

/// Simulates nights of respiratory-belt recordings with known apnea events, so that the demo runs on a
/// machine with no data and tests can use any rate and length.
///
/// What is modelled: breathing as a periodic effort (rate 10–20 /min with breath-to-breath variation of
/// period and depth, an asymmetric breath shape), measured by a chest and an abdomen belt with their
/// own gain, offset and a small phase difference, a cardiac ripple, slow baseline wander, sensor noise
/// and saturation at ±1.55. Sleep-position changes give the belts new gains and offsets; movements add
/// a few seconds of large slow artifact. Events follow their textbook physiology: obstructive apnea
/// (effort continues and grows, chest and abdomen in opposition), central apnea (no effort), hypopnea
/// (amplitude reduced to the person's hypopnea factor), then ~12 s of deeper, faster recovery breaths.
/// SpO2 falls during each event by an amount growing with its length, lagging it by 25 s. Event rate
/// (the apnea-hypopnea index, 0–60 /h) and the mix of kinds are personal traits (`SimulatedPerson`).
/// Minutes are labelled apnea when events cover at least `apneaMinuteThreshold` seconds of them.
///
/// What is not: sleep stages and wake (events are spread evenly after a 10-minute sleep onset), REM
/// clustering, position-dependent apnea, snoring, mixed apneas, arousals, cardiac-respiratory coupling,
/// belt nonlinearity, drop-outs, and any person-to-person variety beyond the traits listed. The
/// distributions of traits are plausible, not fitted to a population.
///
/// Limits: a classifier that scores well here has learned the simulator, not sleep apnea. Accuracy
/// claims come from real recordings only, never from simulated ones.
///
/// A night is a pure function of (person, minutes, sampling rate); events and movements depend on the
/// person only, so the same night at another rate has the same events and labels.
public enum BeltSimulator {
    /// Seconds of apnea or hypopnea that make a minute an apnea minute (one scorable event's minimum).
    public static let apneaMinuteThreshold = 10.0
    public static let maximumSamplingRate = 10_000.0
    public static let maximumMinutes = 48 * 60
    /// Per signal; bounds memory to ~600 MB for the three signals.
    public static let maximumSamples = 50_000_000
    /// The belt signals are clipped here, like an amplifier at the end of its range (and inside the
    /// ±1.6 that WFDB format 16 at gain 20000 can hold).
    public static let beltLimit: Float = 1.55

    /// The night of `person`, `minutes` long, sampled at `samplingRate` Hz; the sample count per signal
    /// is minutes·60·samplingRate, rounded.
    public static func night(
        for person: SimulatedPerson, minutes: Int, samplingRate: Double
    ) throws(BeltSimulatorError) -> SimulatedNight {
        guard samplingRate.isFinite, samplingRate > 0, samplingRate <= maximumSamplingRate else {
            throw .samplingRate(samplingRate)
        }
        guard minutes >= 1, minutes <= maximumMinutes else { throw .minutes(minutes) }
        let seconds = Double(minutes) * 60
        let count = Int((seconds * samplingRate).rounded())
        guard count <= maximumSamples else { throw .tooManySamples(count) }
        for trait in person.boundedTraits where !trait.bounds.contains(trait.value) {
            throw .trait(name: trait.name, value: trait.value, bounds: trait.bounds)
        }
        if person.eventsPerHour > 0 && person.obstructiveShare + person.centralShare + person.hypopneaShare == 0 {
            throw .noEventKinds
        }

        let events = RespiratoryEvent.schedule(for: person, seconds: seconds)
        let movements = Movement.schedule(for: person, seconds: seconds)
        let artifacts = Artifact.draw(for: movements, person: person)
        let (chest, abdomen) = belts(person, events, artifacts, count: count, rate: samplingRate)
        let spo2 = saturation(person, events, count: count, rate: samplingRate)
        let recording = Recording(
            name: person.recordName,
            signals: [
                Signal(name: "Resp C", unit: "", samplingRate: samplingRate, samples: chest),
                Signal(name: "Resp A", unit: "", samplingRate: samplingRate, samples: abdomen),
                Signal(name: "SpO2", unit: "%", samplingRate: samplingRate, samples: spo2),
            ],
            comments: ["Simulated by stim (seed \(person.seed), person \(person.index)); not a real recording."])
        return SimulatedNight(
            person: person, recording: recording,
            labels: RespiratoryEvent.minuteLabels(for: events, minutes: minutes, threshold: apneaMinuteThreshold),
            events: events, movements: movements)
    }

    private static func belts(
        _ person: SimulatedPerson, _ events: [RespiratoryEvent], _ artifacts: [Artifact], count: Int, rate: Double
    ) -> ([Float], [Float]) {
        var chest = [Float](repeating: 0, count: count)
        var abdomen = [Float](repeating: 0, count: count)
        var breaths = SimulationStream.breaths.generator(for: person)
        var noise = SimulationStream.noise.generator(for: person)
        let meanPeriod = 60 / person.breathsPerMinute
        func nextBreath() -> (period: Double, depth: Double) {
            let p = meanPeriod * min(max(1 + person.breathPeriodVariability * breaths.nextNormal(), 0.6), 1.6)
            let d = min(max(1 + person.breathAmplitudeVariability * breaths.nextNormal(), 0.5), 1.5)
            return (p, d)
        }
        let wanderPeriod = breaths.nextDouble(in: 60..<300)
        let wanderPhase = breaths.nextDouble()
        let sine = WaveTable.sine
        let breathShape = WaveTable.breath
        var breath = nextBreath()
        var phase = breaths.nextDouble()
        let lead = person.abdomenPhaseLead / (2 * Double.pi)
        let heartHz = person.heartRate / 60
        var posture = BeltPosture(
            chestGain: person.chestGain, abdomenGain: person.abdomenGain,
            chestOffset: person.chestOffset, abdomenOffset: person.abdomenOffset)
        var nextEvent = 0
        var nextArtifact = 0
        let limit = Double(beltLimit)
        for i in 0..<count {
            let t = Double(i) / rate
            while nextEvent < events.count, t >= events[nextEvent].end + RespiratoryEvent.recoverySeconds {
                nextEvent += 1
            }
            while nextArtifact < artifacts.count, t >= artifacts[nextArtifact].movement.end {
                posture = artifacts[nextArtifact].after
                nextArtifact += 1
            }
            let effort = Effort(at: t, event: nextEvent < events.count ? events[nextEvent] : nil, person: person)
            var now = posture
            var artifact = 0.0
            if nextArtifact < artifacts.count, t > artifacts[nextArtifact].movement.onset {
                let a = artifacts[nextArtifact]
                now = posture.blended(towards: a.after, by: (t - a.movement.onset) / a.movement.duration)
                artifact = a.value(at: t)
            }
            let depth = breath.depth * effort.amplitude
            let shared = person.cardiacRipple * sine(heartHz * t)
            let wander = 0.04 * sine(t / wanderPeriod + wanderPhase)
            let c = now.chestGain * (depth * breathShape(phase) + artifact + wander) + now.chestOffset + shared
                + 0.003 * noise.nextNormal()
            let a = now.abdomenGain * (depth * (1 - 2 * effort.paradox) * breathShape(phase + lead)
                + 0.8 * artifact - wander) + now.abdomenOffset + shared + 0.003 * noise.nextNormal()
            chest[i] = Float(min(max(c, -limit), limit))
            abdomen[i] = Float(min(max(a, -limit), limit))
            phase += effort.rate / (breath.period * rate)
            while phase >= 1 {
                phase -= 1
                breath = nextBreath()
            }
        }
        return (chest, abdomen)
    }

    private static func saturation(
        _ person: SimulatedPerson, _ events: [RespiratoryEvent], count: Int, rate: Double
    ) -> [Float] {
        var spo2 = [Float](repeating: 0, count: count)
        var next = 0
        for i in 0..<count {
            let t = Double(i) / rate
            while next < events.count, t >= events[next].end + Saturation.lag + Saturation.recovery { next += 1 }
            var dip = 0.0
            // Dips of neighbouring events may overlap in a severe night: add them.
            var k = next
            while k < events.count, events[k].onset + Saturation.lag < t {
                dip += Saturation.dip(at: t, event: events[k], person: person)
                k += 1
            }
            spo2[i] = Float(max(person.baselineSaturation - dip, 50))
        }
        return spo2
    }
}
