/// What a night amounted to: the figures `stim classify` prints and the night report shows.
public struct NightSummary: Sendable, Equatable, Codable {
    /// Minutes of the night, scored or not.
    public var minutes: Int
    public var scoredMinutes: Int
    public var apneaMinutes: Int
    /// Apnea minutes per hour of recording (all minutes, scored or not).
    public var apneaIndex: Double
    /// The longest run of consecutive apnea minutes; an unscored minute ends a run.
    public var longestEpisodeMinutes: Int
    /// Minutes per quality flag, for every flag that occurred.
    public var quality: [String: Int]

    public init(_ minutes: [ScoredMinute]) {
        self.minutes = minutes.count
        scoredMinutes = minutes.filter { $0.apnea != nil }.count
        apneaMinutes = minutes.filter { $0.apnea == true }.count
        apneaIndex = minutes.isEmpty ? 0 : Double(apneaMinutes) / (Double(minutes.count) / 60)
        var longest = 0, run = 0, previous: Int?
        for m in minutes.sorted(by: { $0.minute < $1.minute }) {
            run = m.apnea == true ? (previous == m.minute - 1 ? run + 1 : 1) : 0
            previous = m.apnea == true ? m.minute : nil
            longest = max(longest, run)
        }
        longestEpisodeMinutes = longest
        quality = Dictionary(minutes.map { ($0.quality.rawValue, 1) }, uniquingKeysWith: +)
    }

    enum CodingKeys: String, CodingKey {
        case minutes, quality
        case scoredMinutes = "scored_minutes", apneaMinutes = "apnea_minutes", apneaIndex = "apnea_index"
        case longestEpisodeMinutes = "longest_episode_minutes"
    }
}
