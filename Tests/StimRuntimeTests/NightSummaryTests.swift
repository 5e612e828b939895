import Testing
@testable import StimRuntime

@Suite struct NightSummaryTests {
    @Test func countsEpisodesAndSkipsUnscoredMinutes() {
        // Minutes 0-119: apnea at 10-14 (5), 20-21 (2), 30 unscored (flat) between apnea at 29 and 31.
        let minutes = (0..<120).map { m -> ScoredMinute in
            if m == 30 { return ScoredMinute(minute: m, start: Double(m * 60), quality: .flat) }
            let apnea = (10..<15).contains(m) || (20..<22).contains(m) || m == 29 || m == 31
            return ScoredMinute(minute: m, start: Double(m * 60), quality: .good, apneaProbability: apnea ? 0.9 : 0.1,
                                apnea: apnea)
        }
        let summary = NightSummary(minutes)
        #expect(summary.minutes == 120 && summary.scoredMinutes == 119)
        #expect(summary.apneaMinutes == 9)
        #expect(summary.apneaIndex == 4.5)
        #expect(summary.longestEpisodeMinutes == 5)
        #expect(summary.quality == ["good": 119, "flat": 1])
    }

    @Test func emptyNight() {
        let summary = NightSummary([])
        #expect(summary.minutes == 0 && summary.apneaIndex == 0 && summary.longestEpisodeMinutes == 0)
    }
}
