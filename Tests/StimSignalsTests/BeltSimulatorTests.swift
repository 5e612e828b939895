import Foundation
import StimTestSupport
import Testing
@testable import StimSignals

/// Physiology checks measure the signals with plain estimators (zero crossings, variance, Pearson
/// correlation) written here, independently of how the simulator builds them.
@Suite struct BeltSimulatorTests {
    /// A person with one kind of event at `perHour` and no movements, so windows are clean.
    static func person(_ kind: RespiratoryEvent.Kind?, perHour: Double, index: Int = 5) -> SimulatedPerson {
        var p = SimulatedPerson.draw(seed: 11, index: index)
        p.movementsPerHour = 0
        p.positionChangesPerHour = 0
        p.eventsPerHour = kind == nil ? 0 : perHour
        p.obstructiveShare = kind == .obstructiveApnea ? 1 : 0
        p.centralShare = kind == .centralApnea ? 1 : 0
        p.hypopneaShare = kind == .hypopnea ? 1 : 0
        return p
    }

    static func samples(_ s: Signal, from a: Double, to b: Double) -> [Double] {
        let i = max(Int((a * s.samplingRate).rounded(.up)), 0)
        let j = min(Int((b * s.samplingRate).rounded(.up)), s.samples.count)
        return i < j ? s.samples[i..<j].map(Double.init) : []
    }

    @Test func nightShapeAndNames() throws {
        let night = try BeltSimulator.night(for: .draw(seed: 1, index: 3), minutes: 90, samplingRate: 10)
        #expect(night.recording.name == "sim03")
        #expect(night.recording.signals.map(\.name) == ["Resp C", "Resp A", "SpO2"])
        #expect(night.recording.signals.map(\.unit) == ["", "", "%"])
        #expect(night.labels.map(\.minute) == Array(0..<90))
        #expect(night.recording.signals.allSatisfy { $0.samples.count == 54_000 && $0.samplingRate == 10 })
    }

    @Test func sameSeedSameNightOtherSeedOtherNight() throws {
        let a = try BeltSimulator.night(for: .draw(seed: 7, index: 2), minutes: 120, samplingRate: 10)
        let b = try BeltSimulator.night(for: .draw(seed: 7, index: 2), minutes: 120, samplingRate: 10)
        let c = try BeltSimulator.night(for: .draw(seed: 8, index: 2), minutes: 120, samplingRate: 10)
        let d = try BeltSimulator.night(for: .draw(seed: 7, index: 3), minutes: 120, samplingRate: 10)
        #expect(a == b)
        #expect(a.recording.signals[0].samples != c.recording.signals[0].samples)
        #expect(a.recording.signals[0].samples != d.recording.signals[0].samples)
        #expect(SimulatedPerson.draw(seed: 7, index: 2) != SimulatedPerson.draw(seed: 7, index: 3))
    }

    // Any rate: minutes·60·rate samples (rounded), and the same events and labels at every rate.
    @Test(arguments: [1.0, 10, 25.6, 100])
    func anySamplingRate(rate: Double) throws {
        let person = Self.person(.obstructiveApnea, perHour: 40)
        let reference = try BeltSimulator.night(for: person, minutes: 61, samplingRate: 100)
        let night = try BeltSimulator.night(for: person, minutes: 61, samplingRate: rate)
        let expected = Int((61 * 60 * rate).rounded())
        #expect(night.recording.signals.map(\.samples.count) == [expected, expected, expected])
        #expect(night.events == reference.events)
        #expect(night.labels == reference.labels)
        #expect(night.labels.count == 61)
    }

    // Breathing rate from zero crossings of the chest belt (minus the minute's mean), in minutes
    // without events or recovery breaths, matches the trait: each minute within 20 %, their mean
    // within 5 % (breath periods vary by up to 12 % breath to breath).
    @Test(arguments: [(0, 100.0), (1, 25.6), (2, 10.0), (3, 100.0)])
    func breathingRateMatchesTrait(index: Int, rate: Double) throws {
        let person = Self.person(.hypopnea, perHour: 20, index: index)
        let night = try BeltSimulator.night(for: person, minutes: 120, samplingRate: rate)
        let chest = try #require(night.recording.signal(named: "Resp C"))
        var estimates: [Double] = []
        for m in 0..<120 {
            let a = Double(m) * 60, b = a + 60
            if night.events.contains(where: { $0.onset < b && $0.end + RespiratoryEvent.recoverySeconds > a }) {
                continue
            }
            let x = Self.samples(chest, from: a, to: b)
            let mid = Statistics.mean(x)
            var crossings = 0
            for k in 1..<x.count where (x[k - 1] - mid < 0) != (x[k] - mid < 0) { crossings += 1 }
            estimates.append(Double(crossings) / 2)
            #expect(abs(Double(crossings) / 2 - person.breathsPerMinute) < 0.2 * person.breathsPerMinute)
        }
        #expect(estimates.count >= 20)
        #expect(abs(Statistics.mean(estimates) - person.breathsPerMinute) < 0.05 * person.breathsPerMinute)
    }

    // Central apnea: no effort, so inside the event (after the 2 s ramp) both belts are nearly flat
    // compared with the 10 s of normal breathing before it.
    @Test func centralApneaHasNoEffort() throws {
        let night = try BeltSimulator.night(
            for: Self.person(.centralApnea, perHour: 30), minutes: 240, samplingRate: 25)
        #expect(night.events.count > 60)
        for name in ["Resp C", "Resp A"] {
            let belt = try #require(night.recording.signal(named: name))
            for e in night.events {
                let inside = Statistics.variance(Self.samples(belt, from: e.onset + 2, to: e.end - 2))
                let before = Statistics.variance(Self.samples(belt, from: e.onset - 10, to: e.onset))
                #expect(inside < 0.02 * before, "\(name) at \(e.onset) s")
            }
        }
    }

    // Obstructive apnea: effort against a closed airway moves chest and abdomen in opposition
    // (paradox); in normal breathing they move together.
    @Test func obstructiveApneaIsParadoxical() throws {
        let night = try BeltSimulator.night(
            for: Self.person(.obstructiveApnea, perHour: 30), minutes: 240, samplingRate: 25)
        let chest = try #require(night.recording.signal(named: "Resp C"))
        let abdomen = try #require(night.recording.signal(named: "Resp A"))
        #expect(night.events.count > 60)
        for e in night.events {
            let inside = Statistics.correlation(
                Self.samples(chest, from: e.onset + 2, to: e.end - 2),
                Self.samples(abdomen, from: e.onset + 2, to: e.end - 2))
            let before = Statistics.correlation(
                Self.samples(chest, from: e.onset - 10, to: e.onset),
                Self.samples(abdomen, from: e.onset - 10, to: e.onset))
            #expect(inside < -0.7, "event at \(e.onset) s")
            #expect(before > 0.7, "before event at \(e.onset) s")
            // Effort continues: not a central apnea in disguise.
            let effort = Statistics.variance(Self.samples(chest, from: e.onset + 2, to: e.end - 2))
            #expect(effort > 0.3 * Statistics.variance(Self.samples(chest, from: e.onset - 10, to: e.onset)))
        }
    }

    // Hypopnea: breath amplitude (standard deviation of the belt) falls to the person's factor,
    // pooled over all events so that breath-to-breath variation averages out.
    @Test(arguments: [0.3, 0.5])
    func hypopneaReducesAmplitudeByTheFactor(factor: Double) throws {
        var person = Self.person(.hypopnea, perHour: 30)
        person.hypopneaAmplitudeFactor = factor
        let night = try BeltSimulator.night(for: person, minutes: 480, samplingRate: 25)
        let chest = try #require(night.recording.signal(named: "Resp C"))
        var inside = 0.0, before = 0.0
        for e in night.events {
            inside += Statistics.variance(Self.samples(chest, from: e.onset + 2, to: e.end - 2))
            before += Statistics.variance(Self.samples(chest, from: e.onset - 10, to: e.onset))
        }
        #expect(night.events.count > 150)
        #expect(abs((inside / before).squareRoot() - factor) < 0.05)
    }

    // Belt scale, closed form: breath shape sin x + 0.2 sin 2x has mean square (1 + 0.04)/2, breath
    // depth d has E[d²] = 1 + cv², wander 0.04·sin adds 0.0008 (times gain²), the cardiac ripple r²/2
    // and sensor noise 0.003². The real Apnea-ECG belts have standard deviations of 0.1–0.5.
    @Test(arguments: 0..<4)
    func beltScaleMatchesClosedForm(index: Int) throws {
        let p = Self.person(nil, perHour: 0, index: index)
        let night = try BeltSimulator.night(for: p, minutes: 120, samplingRate: 25)
        for (name, gain) in [("Resp C", p.chestGain), ("Resp A", p.abdomenGain)] {
            let belt = try #require(night.recording.signal(named: name))
            let cv = p.breathAmplitudeVariability
            let expected = gain * gain * (0.52 * (1 + cv * cv) + 0.0008) + p.cardiacRipple * p.cardiacRipple / 2
                + 0.003 * 0.003
            let measured = Statistics.variance(Self.samples(belt, from: 0, to: 7200))
            #expect(abs(measured.squareRoot() / expected.squareRoot() - 1) < 0.05, "\(name)")
            #expect(measured.squareRoot() > 0.1 && measured.squareRoot() < 0.5)
        }
    }

    // Recovery breaths: the first breaths after an apnea are deeper than those before it.
    @Test func recoveryBreathsAreDeeper() throws {
        let night = try BeltSimulator.night(
            for: Self.person(.centralApnea, perHour: 30), minutes: 240, samplingRate: 25)
        let chest = try #require(night.recording.signal(named: "Resp C"))
        var after = 0.0, before = 0.0
        for e in night.events {
            after += Statistics.variance(Self.samples(chest, from: e.end + 1, to: e.end + 7))
            before += Statistics.variance(Self.samples(chest, from: e.onset - 10, to: e.onset))
        }
        #expect(after > 1.5 * before)
    }

    // A position change re-seats the belts (new gain): breath amplitude before and after differs; a plain
    // movement leaves it alone. Measured as |log| of the ratio of standard deviations over 30 s.
    @Test func positionChangesAlterBeltGain() throws {
        var p = Self.person(nil, perHour: 0)
        (p.movementsPerHour, p.positionChangesPerHour) = (6, 6)
        let night = try BeltSimulator.night(for: p, minutes: 480, samplingRate: 10)
        let chest = try #require(night.recording.signal(named: "Resp C"))
        var plain: [Double] = [], position: [Double] = []
        for (k, m) in night.movements.enumerated() {
            let previousEnd = k > 0 ? night.movements[k - 1].end : -100
            let nextOnset = k + 1 < night.movements.count ? night.movements[k + 1].onset : 1e9
            guard m.onset - previousEnd > 31, nextOnset - m.end > 31, m.end + 31 < 28_800 else { continue }
            let before = Statistics.variance(Self.samples(chest, from: m.onset - 30, to: m.onset)).squareRoot()
            let after = Statistics.variance(Self.samples(chest, from: m.end, to: m.end + 30)).squareRoot()
            let change = abs(Foundation.log(after / before))
            if m.changesPosition { position.append(change) } else { plain.append(change) }
        }
        #expect(plain.count > 10 && position.count > 10)
        #expect(Statistics.mean(plain) < 0.1)
        #expect(Statistics.mean(position) > 0.15)
    }

    // The apnea-minute fraction grows with severity; a healthy person has none. Event rate per hour of
    // sleep (after the 10-minute onset) matches the trait within 20 %.
    @Test func apneaMinutesGrowWithSeverity() throws {
        var fractions: [Double] = []
        for perHour in [0.0, 5, 15, 30, 60] {
            var person = SimulatedPerson.draw(seed: 3, index: 1)
            person.eventsPerHour = perHour
            let night = try BeltSimulator.night(for: person, minutes: 480, samplingRate: 1)
            fractions.append(Double(night.labels.filter(\.apnea).count) / 480)
            let sleepHours = (480 * 60 - RespiratoryEvent.sleepOnsetSeconds) / 3600
            #expect(abs(Double(night.events.count) / sleepHours - perHour) <= 0.2 * perHour)
        }
        #expect(fractions[0] == 0)
        #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 < $1 })
        #expect(fractions[4] > 0.5)
    }

    // The population spans healthy to severe, and the kinds' shares are a distribution.
    @Test func populationSpansSeverities() {
        let people = (0..<60).map { SimulatedPerson.draw(seed: 5, index: $0) }
        #expect(people.contains { $0.eventsPerHour == 0 })
        #expect(people.contains { $0.eventsPerHour > 30 })
        #expect(people.allSatisfy { $0.eventsPerHour >= 0 && $0.eventsPerHour <= 60 })
        #expect(people.allSatisfy { (10...20).contains($0.breathsPerMinute) })
        #expect(people.allSatisfy { abs($0.obstructiveShare + $0.centralShare + $0.hypopneaShare - 1) < 1e-12 })
    }

    // Labels against a brute-force count of covered tenths of a second.
    @Test func labelsFollowTenSecondRule() throws {
        let night = try BeltSimulator.night(for: .draw(seed: 2, index: 9), minutes: 300, samplingRate: 1)
        for label in night.labels {
            let covered = (0..<600).filter { k in
                let t = Double(label.minute) * 60 + (Double(k) + 0.5) / 10
                return night.events.contains { $0.onset <= t && t < $0.end }
            }.count
            #expect(label.apnea == (covered >= 100), "minute \(label.minute): \(covered) tenths")
        }
    }

    // SpO2 falls after each event: its minimum comes 20–30 s after the event ends and lies well below
    // the baseline; a healthy night stays at the baseline.
    @Test func saturationDipsAfterEvents() throws {
        var person = Self.person(.obstructiveApnea, perHour: 20)
        person.desaturationPerSecond = 0.15
        let night = try BeltSimulator.night(for: person, minutes: 240, samplingRate: 10)
        let spo2 = try #require(night.recording.signal(named: "SpO2"))
        var quietOnsets = 0
        for (k, e) in night.events.enumerated() {
            let window = Self.samples(spo2, from: e.end, to: e.end + 40)
            let lowest = try #require(window.min())
            let at = Double(try #require(window.firstIndex(of: lowest))) / 10
            #expect(at > 20 && at < 30, "nadir \(at) s after the event at \(e.onset) s")
            #expect(lowest < person.baselineSaturation - 0.5 * 0.15 * e.duration)
            // Nothing before the circulation delay, once the previous dip (≤ 40 s after its event) is over.
            if k == 0 || night.events[k - 1].end + 40 < e.onset {
                quietOnsets += 1
                let early = Self.samples(spo2, from: e.onset, to: e.onset + 20)
                #expect(early.allSatisfy { abs($0 - person.baselineSaturation) < 1e-4 })
            }
        }
        #expect(quietOnsets > 10)
        let healthy = try BeltSimulator.night(for: Self.person(nil, perHour: 0), minutes: 60, samplingRate: 1)
        let flat = try #require(healthy.recording.signal(named: "SpO2")).samples
        #expect(flat.allSatisfy { abs(Double($0) - person.baselineSaturation) < 1e-4 })
    }

    // Belts stay within what WFDB format 16 at gain 20000 holds; nothing is NaN.
    @Test func beltsStayInRange() throws {
        for index in 0..<8 {
            let night = try BeltSimulator.night(for: .draw(seed: 4, index: index), minutes: 480, samplingRate: 1)
            for s in night.recording.signals.prefix(2) {
                #expect(s.samples.allSatisfy { abs($0) <= BeltSimulator.beltLimit })
            }
            #expect(night.recording.signals[2].samples.allSatisfy { $0 >= 50 && $0 <= 100 })
        }
    }

    @Test func refusesBadParameters() {
        let p = SimulatedPerson.draw(seed: 1, index: 0)
        for rate in [0, -1, .nan, .infinity, 20_000] as [Double] {
            // Compared by bit pattern: NaN is not equal to itself.
            let error = #expect(throws: BeltSimulatorError.self) {
                try BeltSimulator.night(for: p, minutes: 10, samplingRate: rate)
            }
            guard case .samplingRate(let r)? = error else {
                Issue.record("rate \(rate): \(String(describing: error))")
                continue
            }
            #expect(r.bitPattern == rate.bitPattern)
        }
        for minutes in [0, -5, 1_000_000] {
            #expect(throws: BeltSimulatorError.minutes(minutes)) {
                try BeltSimulator.night(for: p, minutes: minutes, samplingRate: 1)
            }
        }
        #expect(throws: BeltSimulatorError.tooManySamples(1_728_000_000)) {
            try BeltSimulator.night(for: p, minutes: 48 * 60, samplingRate: 10_000)
        }
        var absurd = p
        absurd.breathsPerMinute = .nan
        let error = #expect(throws: BeltSimulatorError.self) {
            try BeltSimulator.night(for: absurd, minutes: 10, samplingRate: 1)
        }
        guard case .trait(let name, _, _)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(name == "breathsPerMinute")
        absurd = p
        absurd.heartRate = 1e300
        #expect(throws: BeltSimulatorError.trait(name: "heartRate", value: 1e300, bounds: 20...250)) {
            try BeltSimulator.night(for: absurd, minutes: 10, samplingRate: 1)
        }
        absurd = p
        absurd.eventsPerHour = 10
        (absurd.obstructiveShare, absurd.centralShare, absurd.hypopneaShare) = (0, 0, 0)
        #expect(throws: BeltSimulatorError.noEventKinds) {
            try BeltSimulator.night(for: absurd, minutes: 10, samplingRate: 1)
        }
    }

    // Labels of hand-made events: partial coverage, an event spanning two minutes, events past the end
    // or not finite (ignored, no trap).
    @Test func labelsOfGivenEvents() {
        let events = [
            RespiratoryEvent(kind: .hypopnea, onset: 5, duration: 9.9),
            RespiratoryEvent(kind: .centralApnea, onset: 115, duration: 20),
            RespiratoryEvent(kind: .obstructiveApnea, onset: 170, duration: 15),
            RespiratoryEvent(kind: .obstructiveApnea, onset: 1e300, duration: 15),
            RespiratoryEvent(kind: .obstructiveApnea, onset: .nan, duration: 15),
        ]
        let labels = RespiratoryEvent.minuteLabels(for: events, minutes: 4)
        #expect(labels.map(\.apnea) == [false, false, true, false])
    }
}
