import Foundation
import StimFormats
import StimKernels
import StimTestSupport
import Testing
@testable import StimLearn

/// The SMO solver on its own: optimality (KKT), and that the cache and shrinking change speed, not answers.
@Suite struct SvmSolverTests {
    /// Two overlapping Gaussian classes in `features` dimensions (class 1 shifted by 0.8 along every axis).
    static func blobs(count: Int, features: Int = 10, seed: UInt64 = 7) -> BinarySvmProblem {
        var generator = Xoshiro256StarStar(seed: seed)
        var values: [Float] = [], y: [Float] = []
        for i in 0..<count {
            let positive = i % 3 != 0
            for _ in 0..<features {
                // Box–Muller.
                let u1 = Double(generator.next() >> 11 + 1) / Double(1 << 53), u2 = Double(generator.next() >> 11) / Double(1 << 53)
                let normal = (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
                values.append(Float(normal) + (positive ? 0.4 : -0.4))
            }
            y.append(positive ? 1 : -1)
        }
        return BinarySvmProblem(features: features, values: values, y: y, upperBounds: Array(repeating: 1, count: count))
    }

    static let rbf = SvmKernel(kind: .rbf, gamma: 0.1)

    /// K in Double, written out from the definitions: the check does not reuse the solver's kernel code.
    static func kernel(_ p: BinarySvmProblem, _ i: Int, _ j: Int, _ k: SvmKernel) -> Double {
        var dot = 0.0, distance = 0.0
        for f in 0..<p.features {
            let a = Double(p.values[i * p.features + f]), b = Double(p.values[j * p.features + f])
            dot += a * b
            distance += (a - b) * (a - b)
        }
        switch k.kind {
        case .linear: return dot
        case .polynomial: return Foundation.pow(Double(k.gamma) * dot + Double(k.coef0), Double(k.degree))
        case .rbf: return Foundation.exp(-Double(k.gamma) * distance)
        case .sigmoid: return Foundation.tanh(Double(k.gamma) * dot + Double(k.coef0))
        }
    }

    @Test(arguments: [SvmKernel(kind: .rbf, gamma: 0.1), SvmKernel(kind: .linear),
                      SvmKernel(kind: .polynomial, gamma: 0.1, coef0: 1, degree: 3)])
    func solutionSatisfiesKkt(kernel: SvmKernel) throws {
        var problem = Self.blobs(count: 400)
        // Unequal bounds (class and example weights) exercise Cᵢ.
        problem.upperBounds = problem.y.indices.map { problem.y[$0] > 0 ? 0.5 + Double($0 % 5) * 0.25 : 2 }
        let tolerance = 1e-3
        let solution = try SmoTrainer(kernel: kernel, tolerance: tolerance).solve(problem)
        #expect(solution.converged)
        let n = problem.count, alpha = solution.alpha, y = problem.y.map(Double.init)
        var gradient = [Double](repeating: -1, count: n)
        for i in 0..<n {
            for j in 0..<n where alpha[j] != 0 { gradient[i] += y[i] * y[j] * Self.kernel(problem, i, j, kernel) * alpha[j] }
        }
        #expect(abs(zip(alpha, y).reduce(0) { $0 + $1.0 * $1.1 }) < 1e-9)
        #expect(alpha.indices.allSatisfy { alpha[$0] >= 0 && alpha[$0] <= problem.upperBounds[$0] })
        // m(α) − M(α) ≤ ε: the largest −yᵢGᵢ over I_up against the smallest over I_low.
        var up = -Double.infinity, low = Double.infinity
        for i in 0..<n {
            let v = -y[i] * gradient[i], atUpper = alpha[i] >= problem.upperBounds[i], atLower = alpha[i] <= 0
            if (y[i] > 0 && !atUpper) || (y[i] < 0 && !atLower) { up = max(up, v) }
            if (y[i] < 0 && !atUpper) || (y[i] > 0 && !atLower) { low = min(low, v) }
        }
        // Float32 kernel rows against the Double check: a little slack beyond ε.
        #expect(up - low <= tolerance + 1e-4, "KKT violation \(up - low)")
        // Free variables sit on the margin: yᵢGᵢ = ρ... up to ε.
        for i in 0..<n where alpha[i] > 0 && alpha[i] < problem.upperBounds[i] {
            #expect(abs(y[i] * gradient[i] - solution.rho) <= tolerance + 1e-4)
        }
        // The dual objective ½αᵀQα − eᵀα reported matches one recomputed from the gradient.
        let objective = zip(alpha, gradient).reduce(0) { $0 + $1.0 * ($1.1 - 1) } / 2
        #expect(abs(objective - solution.objective) <= 1e-4 * abs(objective))
    }

    @Test func tinyCacheEvictsButGivesTheIdenticalSolution() throws {
        let problem = Self.blobs(count: 600)
        let roomy = try SmoTrainer(kernel: Self.rbf).solve(problem)
        // One byte: raised to the minimum of two kernel rows, so nearly every row is recomputed.
        let tight = try SmoTrainer(kernel: Self.rbf, cacheBytes: 1).solve(problem)
        #expect(roomy.cacheEvictions == 0)
        #expect(tight.cacheEvictions > 100)
        #expect(tight.alpha == roomy.alpha)
        #expect(tight.rho == roomy.rho)
        #expect(tight.iterations == roomy.iterations)
    }

    @Test func shrinkingGivesTheSameSolution() throws {
        let problem = Self.blobs(count: 600)
        let shrunk = try SmoTrainer(kernel: Self.rbf, shrinking: true).solve(problem)
        let plain = try SmoTrainer(kernel: Self.rbf, shrinking: false).solve(problem)
        #expect(abs(shrunk.objective - plain.objective) <= 1e-4 * abs(plain.objective))
        #expect(abs(shrunk.rho - plain.rho) <= 1e-2)
        let largest = zip(shrunk.alpha, plain.alpha).map { abs($0 - $1) }.max()!
        #expect(largest <= 0.05, "α differs by \(largest)")
    }

    @Test func badBinaryProblemsAreRefused() {
        let trainer = SmoTrainer(kernel: Self.rbf)
        let cases: [(BinarySvmProblem, String)] = [
            (BinarySvmProblem(features: 1, values: [], y: [], upperBounds: []), "not 0 examples"),
            (BinarySvmProblem(features: 2, values: [1, 2, 3], y: [1, -1], upperBounds: [1, 1]), "not 2 examples"),
            (BinarySvmProblem(features: 1, values: [1, 2], y: [1, 1], upperBounds: [1, 1]), "one class"),
            (BinarySvmProblem(features: 1, values: [1, 2], y: [1, 0], upperBounds: [1, 1]), "+1 or −1"),
            (BinarySvmProblem(features: 1, values: [1, .nan], y: [1, -1], upperBounds: [1, 1]), "non-finite"),
            (BinarySvmProblem(features: 1, values: [1, 2], y: [1, -1], upperBounds: [1, 0]), "upper bound"),
            (BinarySvmProblem(features: 1, values: [1, 2], y: [1, -1], upperBounds: [1]), "1 upper bounds"),
        ]
        for (problem, message) in cases {
            #expect(SvmModelTests.message { _ = try trainer.train(problem) }.contains(message), "\(message)")
        }
    }

    @Test func iterationLimitStopsTheSolver() throws {
        let problem = Self.blobs(count: 300)
        let stopped = try SmoTrainer(kernel: Self.rbf, maxIterations: 5).solve(problem)
        #expect(!stopped.converged)
        #expect(stopped.iterations == 5)
    }
}
