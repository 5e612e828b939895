import StimKernels

/// The personal traits of one simulated sleeper: what stays fixed for a night. All fields are
/// public and mutable so a test or a demo can pin one trait (e.g. severity) and keep the rest drawn.
public struct SimulatedPerson: Sendable, Equatable {
    /// Which person of the population this is; names the record ("sim03") and seeds the night.
    public var index: Int
    /// Population seed this person was drawn from.
    public var seed: UInt64

    /// Mean breathing rate, breaths per minute (10–20 in adults at rest).
    public var breathsPerMinute: Double
    /// Breath-to-breath coefficient of variation of the breath period.
    public var breathPeriodVariability: Double
    /// Breath-to-breath coefficient of variation of the breath amplitude.
    public var breathAmplitudeVariability: Double
    /// Chest and abdomen belt gain: peak breath excursion in the belt's physical unit.
    public var chestGain: Double
    public var abdomenGain: Double
    /// Belt offsets (physical unit) at the start of the night; position changes redraw them.
    public var chestOffset: Double
    public var abdomenOffset: Double
    /// Abdomen lead over the chest in normal breathing, radians (small: the belts move together).
    public var abdomenPhaseLead: Double
    /// Heart rate (beats per minute) and the amplitude of its ripple on both belts (physical unit).
    public var heartRate: Double
    public var cardiacRipple: Double
    /// Sleep-position changes and movement artifacts per hour.
    public var positionChangesPerHour: Double
    public var movementsPerHour: Double

    /// Apnea-hypopnea index: respiratory events per hour of sleep, 0 (healthy) to ~60 (severe).
    public var eventsPerHour: Double
    /// Share of events that are obstructive apneas, central apneas and hypopneas (sum 1).
    public var obstructiveShare: Double
    public var centralShare: Double
    public var hypopneaShare: Double
    /// Breath amplitude during a hypopnea, as a fraction of normal (scoring rules: a ≥30 % drop).
    public var hypopneaAmplitudeFactor: Double
    /// Awake SpO2 baseline (%), and desaturation per second of event (% per s).
    public var baselineSaturation: Double
    public var desaturationPerSecond: Double

    /// Person `index` of the population of `seed`. Severity is spread over the whole range: a quarter
    /// of persons healthy (< 5 events/h), the rest mild, moderate or severe.
    public static func draw(seed: UInt64, index: Int) -> SimulatedPerson {
        var rng = SimulationStream.traits.generator(seed: seed, index: index)
        func uniform(_ a: Double, _ b: Double) -> Double { rng.nextDouble(in: a..<b) }

        let severityClass = rng.nextInt(in: 0..<4)
        let eventsPerHour: Double
        switch severityClass {
        case 0: eventsPerHour = uniform(0, 1) < 0.5 ? 0 : uniform(0, 5)
        case 1: eventsPerHour = uniform(5, 15)
        case 2: eventsPerHour = uniform(15, 30)
        default: eventsPerHour = uniform(30, 60)
        }
        // Obstructive events dominate in most patients; central-predominant persons are rarer.
        let obstructiveWeight = uniform(1, 4)
        let centralWeight = uniform(0, 1) < 0.2 ? uniform(1, 4) : uniform(0, 0.6)
        let hypopneaWeight = uniform(0.5, 3)
        let total = obstructiveWeight + centralWeight + hypopneaWeight

        return SimulatedPerson(
            index: index,
            seed: seed,
            breathsPerMinute: uniform(10, 20),
            breathPeriodVariability: uniform(0.04, 0.12),
            breathAmplitudeVariability: uniform(0.05, 0.15),
            chestGain: uniform(0.25, 0.6),
            abdomenGain: uniform(0.2, 0.6),
            chestOffset: uniform(-0.3, 0.3),
            abdomenOffset: uniform(-0.3, 0.3),
            abdomenPhaseLead: uniform(-0.3, 0.3),
            heartRate: uniform(50, 80),
            cardiacRipple: uniform(0.005, 0.025),
            positionChangesPerHour: uniform(0.5, 3),
            movementsPerHour: uniform(1, 6),
            eventsPerHour: eventsPerHour,
            obstructiveShare: obstructiveWeight / total,
            centralShare: centralWeight / total,
            hypopneaShare: hypopneaWeight / total,
            hypopneaAmplitudeFactor: uniform(0.3, 0.6),
            baselineSaturation: uniform(95, 98),
            desaturationPerSecond: uniform(0.08, 0.2)
        )
    }

    /// The traits with the bounds the simulator accepts, so that a hand-edited person cannot make it
    /// divide by zero, loop on NaN or leave the belts' range unchecked.
    var boundedTraits: [(name: String, value: Double, bounds: ClosedRange<Double>)] {
        [
            ("breathsPerMinute", breathsPerMinute, 2...60),
            ("breathPeriodVariability", breathPeriodVariability, 0...0.5),
            ("breathAmplitudeVariability", breathAmplitudeVariability, 0...0.5),
            ("chestGain", chestGain, 0...1),
            ("abdomenGain", abdomenGain, 0...1),
            ("chestOffset", chestOffset, -0.5...0.5),
            ("abdomenOffset", abdomenOffset, -0.5...0.5),
            ("abdomenPhaseLead", abdomenPhaseLead, -Double.pi...Double.pi),
            ("heartRate", heartRate, 20...250),
            ("cardiacRipple", cardiacRipple, 0...0.2),
            ("positionChangesPerHour", positionChangesPerHour, 0...120),
            ("movementsPerHour", movementsPerHour, 0...120),
            ("eventsPerHour", eventsPerHour, 0...120),
            ("obstructiveShare", obstructiveShare, 0...1),
            ("centralShare", centralShare, 0...1),
            ("hypopneaShare", hypopneaShare, 0...1),
            ("hypopneaAmplitudeFactor", hypopneaAmplitudeFactor, 0...1),
            ("baselineSaturation", baselineSaturation, 60...100),
            ("desaturationPerSecond", desaturationPerSecond, 0...1),
        ]
    }

    /// Record name: "sim" and the index, two digits at least ("sim03", "sim117").
    public var recordName: String {
        index < 10 && index >= 0 ? "sim0\(index)" : "sim\(index)"
    }
}
