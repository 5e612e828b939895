import StimLearn

/// The area under the ROC curve of a score that should be higher for positives: the Mann–Whitney U statistic
/// over (positives × negatives), ties counting one half, computed from mid-ranks in O(n log n).
public enum MannWhitneyAuc {
    public static func auc(positives: [Double], negatives: [Double]) throws -> Double {
        guard !positives.isEmpty, !negatives.isEmpty else {
            throw LearnError.data("an AUC needs at least one positive and one negative score")
        }
        guard (positives + negatives).allSatisfy(\.isFinite) else { throw LearnError.data("an AUC score is not finite") }
        let scored = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var positiveRankSum = 0.0
        var start = 0
        while start < scored.count {
            var end = start
            while end + 1 < scored.count && scored[end + 1].0 == scored[start].0 { end += 1 }
            // Tied scores share the mean of their 1-based ranks.
            let midRank = Double(start + end) / 2 + 1
            for i in start...end where scored[i].1 { positiveRankSum += midRank }
            start = end + 1
        }
        let p = Double(positives.count), n = Double(negatives.count)
        return (positiveRankSum - p * (p + 1) / 2) / (p * n)
    }
}
