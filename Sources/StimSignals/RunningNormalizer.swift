/// Causal per-channel z-scoring of consecutive minutes: each minute is scaled by the mean and standard deviation
/// of its own finite samples and those of the `historyMinutes` minutes before it. It keeps one (count, sum, sum of
/// squares) triple per channel and minute in a ring, so a daemon fed minute after minute all night uses O(history)
/// memory, and gives bit-identical results to an offline pass over the same minutes (`Windower` uses this type).
public struct RunningNormalizer: Sendable {
    public let channels: Int
    public let historyMinutes: Int
    public let epsilon: Float
    public let clip: Float
    /// ring[slot * channels + c]: the statistics of one past minute.
    private var ring: [MinuteStatistics]
    private var next = 0
    private var filled = 0

    public init(channels: Int, historyMinutes: Int, epsilon: Float, clip: Float) {
        self.channels = channels
        self.historyMinutes = max(0, historyMinutes)
        self.epsilon = epsilon
        self.clip = clip
        ring = Array(repeating: MinuteStatistics(), count: max(1, self.historyMinutes) * channels)
    }

    /// Scales one minute (channel-major, `samplesPerChannel` values each) in place, then remembers its statistics
    /// for the minutes that follow. Call it for every minute in order, usable or not, so history means time.
    public mutating func normalize(_ minute: inout [Float], samplesPerChannel: Int) {
        let current = (0..<channels).map { MinuteStatistics(minute[($0 * samplesPerChannel)..<(($0 + 1) * samplesPerChannel)]) }
        for c in 0..<channels {
            var total = current[c]
            for slot in 0..<filled { total.add(ring[slot * channels + c]) }
            let (mean, std) = total.meanAndStandardDeviation()
            let scale = 1 / Double(max(Float(std), epsilon))
            for i in (c * samplesPerChannel)..<((c + 1) * samplesPerChannel) {
                minute[i] = clipped(Float((Double(minute[i]) - mean) * scale), clip)
            }
        }
        remember(current)
    }

    /// Remembers a minute without scaling it (one that is not scored, or a gap), keeping history aligned with time.
    public mutating func skip(_ minute: [Float], samplesPerChannel: Int) {
        remember((0..<channels).map { MinuteStatistics(minute[($0 * samplesPerChannel)..<(($0 + 1) * samplesPerChannel)]) })
    }

    private mutating func remember(_ statistics: [MinuteStatistics]) {
        guard historyMinutes > 0 else { return }
        for c in 0..<channels { ring[next * channels + c] = statistics[c] }
        next = (next + 1) % historyMinutes
        filled = min(filled + 1, historyMinutes)
    }
}

/// Count, sum and sum of squares of a channel's finite samples, in Double so that sums over hours stay exact
/// enough and the same on every machine.
struct MinuteStatistics: Sendable {
    var count = 0
    var sum = 0.0
    var sumOfSquares = 0.0

    init() {}

    init(_ values: ArraySlice<Float>) {
        for v in values where v.isFinite {
            count += 1
            sum += Double(v)
            sumOfSquares += Double(v) * Double(v)
        }
    }

    mutating func add(_ other: MinuteStatistics) {
        count += other.count
        sum += other.sum
        sumOfSquares += other.sumOfSquares
    }

    /// Population mean and standard deviation (0 and 0 without samples).
    func meanAndStandardDeviation() -> (Double, Double) {
        guard count > 0 else { return (0, 0) }
        let mean = sum / Double(count)
        return (mean, (max(0, sumOfSquares / Double(count) - mean * mean)).squareRoot())
    }
}

func clipped(_ x: Float, _ clip: Float) -> Float {
    clip > 0 ? min(max(x, -clip), clip) : x
}
