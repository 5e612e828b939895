import StimFormats
import StimKernels

/// A binary trainer that keeps at most `limit` support vectors: it trains the full machine, draws `limit` of
/// its support vectors as a basis B (seeded, uniformly), and re-solves the SVM restricted to
/// f(x) = Σ_{b∈B} β_b K(x_b, x) + bias on all the examples. On the belt records (SvmBudgetTests) a uniform draw
/// did better than keeping the largest |αᵢ| (mostly margin violators at the bound C) or the free vectors first.
///
/// That restricted problem is exact, not a heuristic refit: with K_BB = LLᵀ (Cholesky) and features
/// zᵢ = L⁻¹K(B, xᵢ), the regularizer βᵀK_BBβ is ‖w‖² for w = Lᵀβ and f(xᵢ) = w·zᵢ + bias, so it is a linear
/// SVM on zᵢ with the same Cᵢ, solved by the same SMO solver with a linear kernel; then β = L⁻ᵀw.
struct SupportVectorBudget: BinarySvmTrainer {
    var inner: SmoTrainer
    var limit: Int
    var seed: UInt64

    func train(_ problem: BinarySvmProblem) throws -> BinaryMachine {
        let full = try inner.train(problem)
        guard case .expansion(let alpha, _) = full else { return full }
        let support = alpha.indices.filter { alpha[$0] != 0 }
        guard support.count > limit else { return full }
        var generator = Xoshiro256StarStar(seed: seed)
        var drawn = support
        shuffle(&drawn, using: &generator)
        let basis = drawn.prefix(limit).sorted()
        let n = problem.count, m = basis.count
        // K(B, x) for every example: m rows of n.
        let rows = problem.values.withUnsafeBufferPointer {
            KernelRows(kernel: inner.kernel, values: $0, features: problem.features)
        }
        var kernelBasis = [Double](repeating: 0, count: m * n)
        var row = [Float](repeating: 0, count: n)
        for (r, b) in basis.enumerated() {
            row.withUnsafeMutableBufferPointer { rows.row(b, columns: 0..<n, into: $0.baseAddress!) }
            for j in 0..<n { kernelBasis[r * n + j] = Double(row[j]) }
        }
        let gram = (0..<(m * m)).map { kernelBasis[($0 / m) * n + basis[$0 % m]] }
        let lower = try cholesky(gram, size: m)
        // z = L⁻¹ K(B, x) column by column, by forward substitution; stored example-major for the solver.
        var z = [Float](repeating: 0, count: n * m)
        var column = [Double](repeating: 0, count: m)
        for j in 0..<n {
            for r in 0..<m {
                var s = kernelBasis[r * n + j]
                for t in 0..<r { s -= lower[r * m + t] * column[t] }
                column[r] = s / lower[r * m + r]
                z[j * m + r] = Float(column[r])
            }
        }
        var linear = inner
        linear.kernel = SvmKernel(kind: .linear)
        linear.collapseLinear = true
        let restricted = BinarySvmProblem(features: m, values: z, y: problem.y, upperBounds: problem.upperBounds)
        guard case let .linear(w, bias) = try linear.train(restricted) else {
            throw LearnError.unsupported("the restricted linear problem did not give a weight vector")
        }
        // β = L⁻ᵀ w by back substitution.
        var beta = [Double](repeating: 0, count: m)
        for r in stride(from: m - 1, through: 0, by: -1) {
            var s = Double(w[r])
            for t in (r + 1)..<m { s -= lower[t * m + r] * beta[t] }
            beta[r] = s / lower[r * m + r]
        }
        var coefficients = [Double](repeating: 0, count: n)
        for (r, b) in basis.enumerated() { coefficients[b] = beta[r] }
        return .expansion(coefficients: coefficients, rho: -Double(bias))
    }

    /// Lower-triangular L with LLᵀ = A + εI (row-major m × m); ε grows from 10⁻¹⁰ × mean diagonal until the
    /// factorization succeeds (duplicate support vectors make K_BB singular).
    private func cholesky(_ a: [Double], size m: Int) throws -> [Double] {
        let meanDiagonal = (0..<m).reduce(0.0) { $0 + a[$1 * m + $1] } / Double(m)
        var jitter = 1e-10 * max(meanDiagonal, 1e-300)
        for _ in 0..<12 {
            var l = [Double](repeating: 0, count: m * m)
            var ok = true
            factor: for i in 0..<m {
                for j in 0...i {
                    var s = a[i * m + j] + (i == j ? jitter : 0)
                    for k in 0..<j { s -= l[i * m + k] * l[j * m + k] }
                    if i == j {
                        guard s > 0 else { ok = false; break factor }
                        l[i * m + i] = s.squareRoot()
                    } else {
                        l[i * m + j] = s / l[j * m + j]
                    }
                }
            }
            if ok { return l }
            jitter *= 100
        }
        throw LearnError.diverged("the kernel matrix of the kept support vectors is not positive definite (is the kernel a valid one? sigmoid kernels need not be)")
    }
}
