import StimFormats

/// The binary trainer for kernel machines: LIBSVM's SMO solver on one problem.
public struct SmoTrainer: BinarySvmTrainer {
    public var kernel: SvmKernel
    /// Stopping tolerance on the maximal KKT violation (LIBSVM's -e).
    public var tolerance: Double
    public var shrinking: Bool
    /// Memory cap of the kernel-row cache, in bytes (raised to two kernel rows if smaller).
    public var cacheBytes: Int
    /// Iteration limit; nil: max(10⁷, 100 × examples), as LIBSVM.
    public var maxIterations: Int?
    /// A linear kernel's expansion Σ αᵢyᵢxᵢ collapsed into one weight vector (same decision values, and a
    /// model of one row per machine instead of its support vectors).
    public var collapseLinear: Bool

    public init(kernel: SvmKernel, tolerance: Double = 1e-3, shrinking: Bool = true, cacheBytes: Int = 64 << 20,
                maxIterations: Int? = nil, collapseLinear: Bool = false) {
        self.kernel = kernel
        self.tolerance = tolerance
        self.shrinking = shrinking
        self.cacheBytes = cacheBytes
        self.maxIterations = maxIterations
        self.collapseLinear = collapseLinear
    }

    /// Checks the settings a solver run needs.
    func validate() throws {
        try kernel.validate()
        guard tolerance > 0, tolerance.isFinite else { throw LearnError.parameter("tolerance must be positive, not \(tolerance)") }
        guard cacheBytes > 0 else { throw LearnError.parameter("the kernel cache needs a positive size, not \(cacheBytes) bytes") }
        if let maxIterations, maxIterations < 1 {
            throw LearnError.parameter("the iteration limit must be at least 1, not \(maxIterations)")
        }
    }

    public func train(_ problem: BinarySvmProblem) throws -> BinaryMachine {
        let solution = try solve(problem)
        let coefficients = zip(solution.alpha, problem.y).map { $0 * Double($1) }
        guard collapseLinear, kernel.kind == .linear else {
            return .expansion(coefficients: coefficients, rho: solution.rho)
        }
        var weight = [Double](repeating: 0, count: problem.features)
        for (i, a) in coefficients.enumerated() where a != 0 {
            for k in 0..<problem.features { weight[k] += a * Double(problem.values[i * problem.features + k]) }
        }
        return .linear(weight: weight.map { Float($0) }, bias: Float(-solution.rho))
    }

    /// The solver's full answer (α, ρ, objective, iterations) for one problem.
    func solve(_ problem: BinarySvmProblem) throws -> SmoSolver.Solution {
        try validate()
        try problem.validate()
        let rows = problem.values.withUnsafeBufferPointer {
            KernelRows(kernel: kernel, values: $0, features: problem.features)
        }
        let solver = SmoSolver(rows: rows, y: problem.y, upperBounds: problem.upperBounds, tolerance: tolerance,
                               shrinking: shrinking, cacheBytes: cacheBytes)
        let limit = maxIterations ?? max(10_000_000, problem.count > Int.max / 100 ? Int.max : 100 * problem.count)
        return solver.solve(maxIterations: limit)
    }
}
