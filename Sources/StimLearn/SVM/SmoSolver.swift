/// LIBSVM's SMO solver for the C-SVC dual (Chang & Lin, "LIBSVM: a library for support vector machines",
/// 2011, §4; Fan, Chen & Lin, JMLR 6, 2005):
///
///     min ½ αᵀQα − eᵀα   subject to yᵀα = 0, 0 ≤ αᵢ ≤ Cᵢ,   Qᵢⱼ = yᵢyⱼK(xᵢ, xⱼ)
///
/// Each step picks the pair (i, j) by second-order working-set selection (i the maximal violator, j the one
/// that most decreases the objective), solves the two-variable problem in closed form and updates the
/// gradient G = Qα − e with two kernel rows. Shrinking sets aside variables that sit at a bound and are
/// unlikely to move; before the final stopping check the full gradient is rebuilt from Ḡ (the part that
/// bounded variables contribute, kept up to date) and the free variables, so the answer is the unshrunk one.
/// The gradient, α and ρ are kept in Double; the kernel rows are float32.
final class SmoSolver {
    struct Solution {
        /// αᵢ in the order of the examples given.
        var alpha: [Double]
        /// The decision function is Σ αᵢyᵢK(xᵢ, x) − ρ.
        var rho: Double
        /// The dual objective ½αᵀQα − eᵀα at the solution.
        var objective: Double
        var iterations: Int
        /// False when the iteration limit stopped the solver before the tolerance was met.
        var converged: Bool
        /// Kernel rows the cache evicted to stay under its cap.
        var cacheEvictions: Int
    }

    private enum Bound: UInt8 { case lower, upper, free }

    private let tau = 1e-12
    private let rows: KernelRows
    private let cache: KernelRowCache
    private let count: Int
    private let tolerance: Double
    private let shrinking: Bool
    private var activeSize: Int
    private var y: [Float]
    private var c: [Double]
    private var alpha: [Double]
    private var status: [Bound]
    private var gradient: [Double]
    /// Ḡᵢ = Σ over upper-bounded j of Cⱼ Qᵢⱼ.
    private var gradientBar: [Double]
    private var qDiagonal: [Double]
    /// Original index of the example now at each position.
    private var original: [Int]
    private var unshrunk = false

    /// `rows` holds the examples, `y` their ±1 labels and `upperBounds` their Cᵢ. `rows` is reordered while
    /// solving (shrinking); the solution is in the original order.
    init(rows: KernelRows, y: [Float], upperBounds: [Double], tolerance: Double, shrinking: Bool, cacheBytes: Int) {
        self.rows = rows
        count = y.count
        cache = KernelRowCache(rows: count, bytes: cacheBytes)
        self.tolerance = tolerance
        self.shrinking = shrinking
        self.y = y
        c = upperBounds
        activeSize = count
        alpha = Array(repeating: 0, count: count)
        status = Array(repeating: .lower, count: count)
        gradient = Array(repeating: -1, count: count)
        gradientBar = Array(repeating: 0, count: count)
        qDiagonal = (0..<count).map { Double(rows.diagonal($0)) }
        original = Array(0..<count)
    }

    func solve(maxIterations: Int) -> Solution {
        var iterations = 0
        var counter = min(count, 1000) + 1
        var converged = false
        while iterations < maxIterations {
            counter -= 1
            if counter == 0 {
                counter = min(count, 1000)
                if shrinking { shrink() }
            }
            var pair = selectWorkingSet()
            if pair == nil {
                // Optimal on the active set: rebuild the whole gradient and check again on every variable.
                reconstructGradient()
                activeSize = count
                pair = selectWorkingSet()
                guard pair != nil else {
                    converged = true
                    break
                }
                counter = 1
            }
            iterations += 1
            update(pair!.i, pair!.j)
        }
        if !converged, activeSize < count {
            reconstructGradient()
            activeSize = count
        }
        var objective = 0.0
        for i in 0..<count { objective += alpha[i] * (gradient[i] - 1) }
        var result = [Double](repeating: 0, count: count)
        for i in 0..<count { result[original[i]] = alpha[i] }
        return Solution(alpha: result, rho: rho(), objective: objective / 2, iterations: iterations, converged: converged,
                        cacheEvictions: cache.evictions)
    }

    /// Row i of Q over the first `length` positions, computing only what the cache lacks.
    private func q(_ i: Int, length: Int) -> UnsafeMutablePointer<Float> {
        let (data, filled) = cache.row(i, length: length)
        if filled < length {
            rows.row(i, columns: filled..<length, into: data + filled)
            let yi = y[i]
            for j in filled..<length where y[j] != yi { data[j] = -data[j] }
        }
        return data
    }

    private func isUpper(_ i: Int) -> Bool { status[i] == .upper }
    private func isLower(_ i: Int) -> Bool { status[i] == .lower }

    private func updateStatus(_ i: Int) {
        status[i] = alpha[i] >= c[i] ? .upper : (alpha[i] <= 0 ? .lower : .free)
    }

    /// WSS 2 of Fan, Chen & Lin: nil when the maximal violation is below the tolerance.
    private func selectWorkingSet() -> (i: Int, j: Int)? {
        var gMax = -Double.infinity, gMax2 = -Double.infinity
        var iBest = -1, jBest = -1
        var objectiveDecrease = Double.infinity
        for t in 0..<activeSize {
            if y[t] > 0 {
                if !isUpper(t), -gradient[t] >= gMax { gMax = -gradient[t]; iBest = t }
            } else {
                if !isLower(t), gradient[t] >= gMax { gMax = gradient[t]; iBest = t }
            }
        }
        guard iBest >= 0 else { return nil }
        let i = iBest
        let qi = q(i, length: activeSize)
        let yi = Double(y[i]), qii = qDiagonal[i]
        for j in 0..<activeSize {
            let gradientDifference: Double, quadratic: Double
            if y[j] > 0 {
                guard !isLower(j) else { continue }
                gMax2 = max(gMax2, gradient[j])
                gradientDifference = gMax + gradient[j]
                quadratic = qii + qDiagonal[j] - 2 * yi * Double(qi[j])
            } else {
                guard !isUpper(j) else { continue }
                gMax2 = max(gMax2, -gradient[j])
                gradientDifference = gMax - gradient[j]
                quadratic = qii + qDiagonal[j] + 2 * yi * Double(qi[j])
            }
            guard gradientDifference > 0 else { continue }
            let decrease = -(gradientDifference * gradientDifference) / (quadratic > 0 ? quadratic : tau)
            if decrease <= objectiveDecrease {
                jBest = j
                objectiveDecrease = decrease
            }
        }
        guard gMax + gMax2 >= tolerance, jBest >= 0 else { return nil }
        return (i, jBest)
    }

    /// Solves the two-variable subproblem in (i, j) and updates G and Ḡ.
    private func update(_ i: Int, _ j: Int) {
        let qi = q(i, length: activeSize)
        let qj = q(j, length: activeSize)
        let ci = c[i], cj = c[j]
        let oldI = alpha[i], oldJ = alpha[j]
        if y[i] != y[j] {
            var quadratic = qDiagonal[i] + qDiagonal[j] + 2 * Double(qi[j])
            if quadratic <= 0 { quadratic = tau }
            let delta = (-gradient[i] - gradient[j]) / quadratic
            let difference = alpha[i] - alpha[j]
            alpha[i] += delta
            alpha[j] += delta
            if difference > 0 {
                if alpha[j] < 0 { alpha[j] = 0; alpha[i] = difference }
            } else {
                if alpha[i] < 0 { alpha[i] = 0; alpha[j] = -difference }
            }
            if difference > ci - cj {
                if alpha[i] > ci { alpha[i] = ci; alpha[j] = ci - difference }
            } else {
                if alpha[j] > cj { alpha[j] = cj; alpha[i] = cj + difference }
            }
        } else {
            var quadratic = qDiagonal[i] + qDiagonal[j] - 2 * Double(qi[j])
            if quadratic <= 0 { quadratic = tau }
            let delta = (gradient[i] - gradient[j]) / quadratic
            let sum = alpha[i] + alpha[j]
            alpha[i] -= delta
            alpha[j] += delta
            if sum > ci {
                if alpha[i] > ci { alpha[i] = ci; alpha[j] = sum - ci }
            } else {
                if alpha[j] < 0 { alpha[j] = 0; alpha[i] = sum }
            }
            if sum > cj {
                if alpha[j] > cj { alpha[j] = cj; alpha[i] = sum - cj }
            } else {
                if alpha[i] < 0 { alpha[i] = 0; alpha[j] = sum }
            }
        }
        let deltaI = alpha[i] - oldI, deltaJ = alpha[j] - oldJ
        gradient.withUnsafeMutableBufferPointer { g in
            for k in 0..<activeSize { g[k] += Double(qi[k]) * deltaI + Double(qj[k]) * deltaJ }
        }
        let wasUpperI = isUpper(i), wasUpperJ = isUpper(j)
        updateStatus(i)
        updateStatus(j)
        updateGradientBar(i, wasUpper: wasUpperI)
        updateGradientBar(j, wasUpper: wasUpperJ)
    }

    private func updateGradientBar(_ i: Int, wasUpper: Bool) {
        guard wasUpper != isUpper(i) else { return }
        let qi = q(i, length: count)
        let change = wasUpper ? -c[i] : c[i]
        gradientBar.withUnsafeMutableBufferPointer { bar in
            for k in 0..<count { bar[k] += change * Double(qi[k]) }
        }
    }

    /// ρ: the average of yᵢGᵢ over free variables, or the middle of the feasible interval when none is free.
    private func rho() -> Double {
        var upperLimit = Double.infinity, lowerLimit = -Double.infinity
        var sumFree = 0.0, free = 0
        for i in 0..<activeSize {
            let yg = Double(y[i]) * gradient[i]
            if isUpper(i) {
                if y[i] < 0 { upperLimit = min(upperLimit, yg) } else { lowerLimit = max(lowerLimit, yg) }
            } else if isLower(i) {
                if y[i] > 0 { upperLimit = min(upperLimit, yg) } else { lowerLimit = max(lowerLimit, yg) }
            } else {
                free += 1
                sumFree += yg
            }
        }
        return free > 0 ? sumFree / Double(free) : (upperLimit + lowerLimit) / 2
    }

    /// Whether a bounded variable's gradient says it will stay at its bound (LIBSVM's be_shrunk).
    private func canShrink(_ i: Int, _ gMax1: Double, _ gMax2: Double) -> Bool {
        if isUpper(i) {
            return y[i] > 0 ? -gradient[i] > gMax1 : -gradient[i] > gMax2
        }
        if isLower(i) {
            return y[i] > 0 ? gradient[i] > gMax2 : gradient[i] > gMax1
        }
        return false
    }

    private func shrink() {
        var gMax1 = -Double.infinity, gMax2 = -Double.infinity
        for i in 0..<activeSize {
            if y[i] > 0 {
                if !isUpper(i) { gMax1 = max(gMax1, -gradient[i]) }
                if !isLower(i) { gMax2 = max(gMax2, gradient[i]) }
            } else {
                if !isUpper(i) { gMax2 = max(gMax2, -gradient[i]) }
                if !isLower(i) { gMax1 = max(gMax1, gradient[i]) }
            }
        }
        // Near the end, unshrink once so variables set aside early get a second look.
        if !unshrunk, gMax1 + gMax2 <= tolerance * 10 {
            unshrunk = true
            reconstructGradient()
            activeSize = count
        }
        var i = 0
        while i < activeSize {
            if canShrink(i, gMax1, gMax2) {
                activeSize -= 1
                while activeSize > i {
                    if !canShrink(activeSize, gMax1, gMax2) {
                        swapAt(i, activeSize)
                        break
                    }
                    activeSize -= 1
                }
            }
            i += 1
        }
    }

    /// Gᵢ for the inactive variables from Ḡ and the free variables' contributions, with whichever loop
    /// order touches fewer kernel values.
    private func reconstructGradient() {
        guard activeSize < count else { return }
        for j in activeSize..<count { gradient[j] = gradientBar[j] - 1 }
        var free = 0
        for j in 0..<activeSize where status[j] == .free { free += 1 }
        if free * count > 2 * activeSize * (count - activeSize) {
            for i in activeSize..<count {
                let qi = q(i, length: activeSize)
                var sum = 0.0
                for j in 0..<activeSize where status[j] == .free { sum += alpha[j] * Double(qi[j]) }
                gradient[i] += sum
            }
        } else {
            for i in 0..<activeSize where status[i] == .free {
                let qi = q(i, length: count)
                let a = alpha[i]
                for j in activeSize..<count { gradient[j] += a * Double(qi[j]) }
            }
        }
    }

    private func swapAt(_ i: Int, _ j: Int) {
        rows.swapAt(i, j)
        cache.swapAt(i, j)
        y.swapAt(i, j)
        c.swapAt(i, j)
        alpha.swapAt(i, j)
        status.swapAt(i, j)
        gradient.swapAt(i, j)
        gradientBar.swapAt(i, j)
        qDiagonal.swapAt(i, j)
        original.swapAt(i, j)
    }
}
