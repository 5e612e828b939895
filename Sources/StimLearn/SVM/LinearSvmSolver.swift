import StimKernels

/// A binary linear SVM, w·x + b; the sign gives the class (+1 or −1).
public struct LinearMachine: Sendable, Equatable {
    public var weights: [Float]
    /// The weight of the constant bias feature (LIBLINEAR `-B 1`), or 0 when trained without one.
    public var bias: Float
    /// Outer passes over the data that the solver made.
    public var iterations: Int

    public init(weights: [Float], bias: Float, iterations: Int) {
        self.weights = weights
        self.bias = bias
        self.iterations = iterations
    }

    /// w·x + b for one example of `weights.count` features.
    public func decision(_ x: UnsafePointer<Float>) -> Float {
        weights.withUnsafeBufferPointer { Dot.optimized($0, UnsafeBufferPointer(start: x, count: $0.count)) } + bias
    }
}

/// L2-regularized linear SVM classification by dual coordinate descent (Hsieh et al., ICML 2008; LIBLINEAR's
/// `solve_l2r_l1l2_svc`, its solvers `-s 3` for the hinge loss and `-s 1` for the squared hinge). It minimizes
///
///     ½ αᵀ(Q + D)α − Σ αᵢ   over 0 ≤ αᵢ ≤ Uᵢ,   Qᵢⱼ = yᵢyⱼ xᵢ·xⱼ,
///
/// with Dᵢ = 0 and Uᵢ = Cᵢ for the hinge loss, Dᵢ = 1/(2Cᵢ) and Uᵢ = ∞ for the squared hinge, keeping
/// w = Σ αᵢyᵢxᵢ up to date so that each coordinate step costs two passes over one example.
public struct LinearSvmSolver: Sendable {
    public enum Loss: Sendable { case hinge, squaredHinge }

    public var loss: Loss
    /// Stop when the projected gradient's spread (max − min over the examples) and its extremes are at most this
    /// (LIBLINEAR eps).
    public var tolerance: Double
    /// Outer passes at most; the machine of the last pass is returned when it is reached. (LIBLINEAR 2.50 stops
    /// its dual solver at 300 and, for the squared hinge, finishes with its primal Newton solver.)
    public var maxIterations: Int
    /// Leave out of the passes the examples whose bound is unlikely to change (LIBLINEAR's shrinking).
    public var shrinking: Bool
    /// Seeds the random order of each pass.
    public var seed: UInt64

    public init(loss: Loss = .squaredHinge, tolerance: Double = 0.1, maxIterations: Int = 1000, shrinking: Bool = true,
                seed: UInt64 = 1) {
        self.loss = loss
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.shrinking = shrinking
        self.seed = seed
    }

    /// features: row-major [count × dimension]; labels ±1; costs: per-sample upper bound C_i.
    public func train(features: UnsafeBufferPointer<Float>, count: Int, dimension: Int, labels: [Int8], costs: [Float],
                      bias: Bool) throws -> LinearMachine {
        try solve(features: features, count: count, dimension: dimension, labels: labels, costs: costs, bias: bias).machine
    }

    /// The machine and the dual variables α (the tests check optimality conditions and the dual objective on them).
    func solve(features: UnsafeBufferPointer<Float>, count: Int, dimension: Int, labels: [Int8], costs: [Float],
               bias: Bool) throws -> (machine: LinearMachine, alpha: [Double]) {
        try validate(features: features, count: count, dimension: dimension, labels: labels, costs: costs)
        let x = features.baseAddress!
        let biasFeature: Float = bias ? 1 : 0
        // Per example: the diagonal D and the upper bound U of the dual (see the type's comment).
        let diagonal: [Double] = costs.map { loss == .hinge ? 0 : 0.5 / Double($0) }
        let upper: [Double] = costs.map { loss == .hinge ? Double($0) : .infinity }
        let qd: [Double] = (0..<count).map { i in
            diagonal[i] + Double(Dot.optimized(x + i * dimension, x + i * dimension, count: dimension)) + Double(biasFeature)
        }
        let rows = LinearSvmRows(features: x, count: count, dimension: dimension)
        var alpha = [Double](repeating: 0, count: count)
        var w = [Float](repeating: 0, count: dimension)
        var wBias: Float = 0
        var order = Array(0..<count)
        var random = Xoshiro256StarStar(seed: seed)
        var active = count
        // The previous pass's extreme projected gradients: the shrinking thresholds.
        var oldMax = Double.infinity, oldMin = -Double.infinity
        var iterations = 0
        w.withUnsafeMutableBufferPointer { w in
            while iterations < maxIterations {
                var newMax = -Double.infinity, newMin = Double.infinity
                for j in 0..<active {
                    order.swapAt(j, j + random.nextInt(in: 0..<(active - j)))
                }
                var s = 0
                while s < active {
                    let i = order[s]
                    let y = Double(labels[i])
                    let margin = Double(rows.dot(UnsafePointer(w.baseAddress!), row: i) + wBias * biasFeature)
                    let g = y * margin - 1 + alpha[i] * diagonal[i]
                    var projected = 0.0
                    if alpha[i] == 0 {
                        if shrinking && g > oldMax {
                            active -= 1
                            order.swapAt(s, active)
                            continue
                        }
                        projected = min(g, 0)
                    } else if alpha[i] == upper[i] {
                        if shrinking && g < oldMin {
                            active -= 1
                            order.swapAt(s, active)
                            continue
                        }
                        projected = max(g, 0)
                    } else {
                        projected = g
                    }
                    newMax = max(newMax, projected)
                    newMin = min(newMin, projected)
                    if abs(projected) > 1e-12 {
                        let previous = alpha[i]
                        alpha[i] = min(max(previous - g / qd[i], 0), upper[i])
                        let step = Float((alpha[i] - previous) * y)
                        rows.axpy(step, row: i, into: w)
                        wBias += step * biasFeature
                    }
                    s += 1
                }
                iterations += 1
                // LIBLINEAR 2.4x's rule: the spread and both extremes within the tolerance.
                if newMax - newMin <= tolerance && abs(newMax) <= tolerance && abs(newMin) <= tolerance {
                    if active == count { break }
                    // Converged on the shrunk set: check once more on every example before stopping.
                    active = count
                    oldMax = .infinity
                    oldMin = -.infinity
                    continue
                }
                oldMax = newMax <= 0 ? .infinity : newMax
                oldMin = newMin >= 0 ? -.infinity : newMin
            }
        }
        return (LinearMachine(weights: w, bias: wBias, iterations: iterations), alpha)
    }

    func validate(features: UnsafeBufferPointer<Float>, count: Int, dimension: Int, labels: [Int8], costs: [Float]) throws {
        guard tolerance > 0, tolerance.isFinite else { throw LearnError.parameter("linear SVM tolerance \(tolerance) must be > 0") }
        guard maxIterations > 0 else { throw LearnError.parameter("linear SVM maxIterations \(maxIterations) must be > 0") }
        guard count > 0 else { throw LearnError.data("linear SVM: no examples") }
        guard dimension > 0 else { throw LearnError.shape("linear SVM: dimension \(dimension) must be > 0") }
        let (elements, overflow) = count.multipliedReportingOverflow(by: dimension)
        guard !overflow, features.count == elements else {
            throw LearnError.shape("linear SVM: \(features.count) feature values for \(count) examples × \(dimension)")
        }
        guard labels.count == count else { throw LearnError.shape("linear SVM: \(labels.count) labels for \(count) examples") }
        guard costs.count == count else { throw LearnError.shape("linear SVM: \(costs.count) costs for \(count) examples") }
        if let bad = labels.firstIndex(where: { $0 != 1 && $0 != -1 }) {
            throw LearnError.data("linear SVM: label \(labels[bad]) of example \(bad) is not +1 or −1")
        }
        guard labels.contains(1), labels.contains(-1) else {
            throw LearnError.data("linear SVM: every example has label \(labels[0]); two classes are needed")
        }
        if let bad = costs.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw LearnError.parameter("linear SVM: cost C \(costs[bad]) of example \(bad) must be finite and > 0")
        }
        if let bad = features.firstIndex(where: { !$0.isFinite }) {
            throw LearnError.data("linear SVM: feature \(bad % dimension) of example \(bad / dimension) is \(features[bad])")
        }
    }
}
