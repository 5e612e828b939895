import StimLearn

/// How well predictions agree with the truth on two classes, apnea (class 1) being the positive class.
public struct ClassificationScores: Codable, Sendable, Equatable {
    public var count: Int
    public var accuracy: Double
    /// Cohen's κ: agreement beyond what the class frequencies give by chance.
    public var kappa: Double
    /// Of the apnea minutes, the share predicted apnea (nil when there are none).
    public var sensitivity: Double?
    /// Of the normal minutes, the share predicted normal (nil when there are none).
    public var specificity: Double?

    /// Scores of a confusion matrix; `positive` is the apnea class.
    public init(_ matrix: ConfusionMatrix, positive: Int = 1) {
        count = matrix.total
        accuracy = matrix.accuracy
        kappa = matrix.kappa
        let recall = { (c: Int) -> Double? in
            let r = matrix.recall(c)
            return r.isNaN ? nil : r
        }
        sensitivity = matrix.classes == 2 ? recall(positive) : nil
        specificity = matrix.classes == 2 ? recall(1 - positive) : nil
    }
}
