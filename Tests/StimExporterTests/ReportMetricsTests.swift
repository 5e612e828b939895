import Foundation
import StimKernels
import StimLearn
import StimTestSupport
import Testing
@testable import StimExporter

/// The report's kappa, sensitivity, specificity and AUC against scikit-learn on the same numbers.
@Suite struct ReportMetricsTests {
    /// Scores with many ties (a coarse grid) and labels that agree with them more often than not.
    static func sample(count: Int, seed: UInt64) -> (truth: [Int], predicted: [Int], scores: [Double]) {
        var generator = Xoshiro256StarStar(seed: seed)
        var truth: [Int] = [], predicted: [Int] = [], scores: [Double] = []
        for _ in 0..<count {
            let label = generator.nextInt(in: 0..<2)
            truth.append(label)
            predicted.append(generator.nextDouble() < 0.75 ? label : 1 - label)
            scores.append((Double(label) * 0.3 + generator.nextDouble() * 10).rounded() / 10)
        }
        return (truth, predicted, scores)
    }

    @Test(.enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func kappaSensitivitySpecificityAndAucMatchScikitLearn() throws {
        for seed: UInt64 in [1, 2, 3] {
            let (truth, predicted, scores) = Self.sample(count: 300 + Int(seed) * 37, seed: seed)
            let ours = ClassificationScores(ConfusionMatrix(truth: truth, predicted: predicted, classes: 2))
            let positives = zip(scores, truth).filter { $0.1 == 1 }.map(\.0)
            let negatives = zip(scores, truth).filter { $0.1 == 0 }.map(\.0)
            let auc = try MannWhitneyAuc.auc(positives: positives, negatives: negatives)
            let input = try JSONSerialization.data(withJSONObject: ["truth": truth, "predicted": predicted, "scores": scores])
            let output = try PythonEnvironment.run(["-c", """
                import json, sys
                from sklearn.metrics import cohen_kappa_score, recall_score, roc_auc_score
                d = json.load(sys.stdin)
                print(json.dumps([cohen_kappa_score(d["truth"], d["predicted"]),
                                  recall_score(d["truth"], d["predicted"], pos_label=1),
                                  recall_score(d["truth"], d["predicted"], pos_label=0),
                                  roc_auc_score(d["truth"], d["scores"])]))
                """], input: input)
            let reference = try JSONDecoder().decode([Double].self, from: Data(output.utf8))
            #expect(abs(ours.kappa - reference[0]) < 1e-12)
            #expect(abs(try #require(ours.sensitivity) - reference[1]) < 1e-12)
            #expect(abs(try #require(ours.specificity) - reference[2]) < 1e-12)
            #expect(abs(auc - reference[3]) < 1e-12)
            // Ties matter here: the grid of scores makes them common, and a tie-blind AUC would differ.
            #expect(Set(scores).count < scores.count / 5)
        }
    }

    @Test func aucClosedForms() throws {
        #expect(try MannWhitneyAuc.auc(positives: [2, 3], negatives: [0, 1]) == 1)
        #expect(try MannWhitneyAuc.auc(positives: [0, 1], negatives: [2, 3]) == 0)
        #expect(try MannWhitneyAuc.auc(positives: [1, 1], negatives: [1, 1, 1]) == 0.5)
        // Of the four pairs none wins and one ties: 0.5 / 4.
        #expect(try MannWhitneyAuc.auc(positives: [1, 2], negatives: [2, 3]) == 0.125)
        #expect(throws: LearnError.self) { try MannWhitneyAuc.auc(positives: [], negatives: [1]) }
        #expect(throws: LearnError.self) { try MannWhitneyAuc.auc(positives: [.nan], negatives: [1]) }
    }

    @Test func sensitivityIsAbsentWithoutApneaMinutes() throws {
        let scores = ClassificationScores(ConfusionMatrix(truth: [0, 0, 0], predicted: [0, 1, 0], classes: 2))
        #expect(scores.sensitivity == nil)
        #expect(abs(try #require(scores.specificity) - 2.0 / 3) < 1e-12)
    }

    @Test func acceptanceHistogramCountsEveryAttempt() throws {
        let attempts = (0..<50).map { AcceptanceAttempt(targetClass: $0 % 2, threshold: Double($0) / 49, steps: $0,
                                                        accepted: $0 >= 25) }
        let summary = try AcceptanceSummary(attempts, binCount: 10)
        #expect(summary.attempts == 50 && summary.accepted == 25 && summary.meanSteps == 24.5)
        #expect(summary.bins.reduce(0) { $0 + $1.accepted + $1.rejected } == 50)
        #expect(summary.bins.first?.rejected == 5 && summary.bins.last?.accepted == 5)
        #expect(throws: LearnError.self) { try AcceptanceSummary([]) }
    }
}
