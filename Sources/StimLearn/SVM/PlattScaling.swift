import Foundation

/// Platt's sigmoid P(positive | f) = 1 / (1 + exp(A f + B)) fitted to decision values f by maximum likelihood
/// with Platt's regularized targets, by the Newton method with backtracking of Lin, Lin & Weng ("A note on
/// Platt's probabilistic outputs for support vector machines", Machine Learning 68, 2007), as LIBSVM's
/// sigmoid_train.
public struct PlattScaling: Sendable, Equatable {
    public var a: Double
    public var b: Double

    public init(a: Double, b: Double) {
        self.a = a
        self.b = b
    }

    /// Fits A and B to decision values and whether each example is of the positive class.
    public init(decisionValues f: [Double], positive: [Bool]) {
        let positives = Double(positive.filter { $0 }.count), negatives = Double(positive.count) - positives
        let high = (positives + 1) / (positives + 2), low = 1 / (negatives + 2)
        let targets = positive.map { $0 ? high : low }
        var a = 0.0, b = Foundation.log((negatives + 1) / (positives + 1))
        func loss(_ a: Double, _ b: Double) -> Double {
            var total = 0.0
            for (fi, t) in zip(f, targets) {
                let z = fi * a + b
                // log(1 + e^z) − t z, written so the exponential never overflows.
                total += z >= 0 ? t * z + log1p(Foundation.exp(-z)) : (t - 1) * z + log1p(Foundation.exp(z))
            }
            return total
        }
        var value = loss(a, b)
        let sigma = 1e-12, minimumStep = 1e-10, epsilon = 1e-5
        for _ in 0..<100 {
            var h11 = sigma, h22 = sigma, h21 = 0.0, g1 = 0.0, g2 = 0.0
            for (fi, t) in zip(f, targets) {
                let z = fi * a + b
                let p: Double, q: Double
                if z >= 0 {
                    let e = Foundation.exp(-z)
                    p = e / (1 + e)
                    q = 1 / (1 + e)
                } else {
                    let e = Foundation.exp(z)
                    p = 1 / (1 + e)
                    q = e / (1 + e)
                }
                let d2 = p * q
                h11 += fi * fi * d2
                h22 += d2
                h21 += fi * d2
                let d1 = t - p
                g1 += fi * d1
                g2 += d1
            }
            if abs(g1) < epsilon, abs(g2) < epsilon { break }
            let determinant = h11 * h22 - h21 * h21
            let da = -(h22 * g1 - h21 * g2) / determinant, db = -(-h21 * g1 + h11 * g2) / determinant
            let slope = g1 * da + g2 * db
            var step = 1.0
            while step >= minimumStep {
                let newA = a + step * da, newB = b + step * db, newValue = loss(newA, newB)
                if newValue < value + 0.0001 * step * slope {
                    (a, b, value) = (newA, newB, newValue)
                    break
                }
                step /= 2
            }
            // The line search failed: A and B are as good as they get.
            if step < minimumStep { break }
        }
        self.a = a
        self.b = b
    }

    /// P(positive | f), computed without overflow for either sign of A f + B.
    public func probability(_ f: Double) -> Double {
        let z = f * a + b
        if z >= 0 {
            let e = Foundation.exp(-z)
            return e / (1 + e)
        }
        return 1 / (1 + Foundation.exp(z))
    }
}
