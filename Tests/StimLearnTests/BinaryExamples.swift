import Foundation
import StimKernels
import StimTestSupport
@testable import StimLearn

/// Binary examples for the SVM tests, row-major, labels ±1, and the checks made on a solver's answer.
struct BinaryExamples {
    var features: [Float]
    var count: Int
    var dimension: Int
    var labels: [Int8]

    /// Apnea-ECG belt windows (120 features, each record z-scored) of the given records; apnea = +1.
    static func belt(_ records: [String], from windows: [String: TrainingData]) -> BinaryExamples {
        let chosen = records.map { windows[$0]! }
        return BinaryExamples(features: chosen.flatMap(\.inputs), count: chosen.reduce(0) { $0 + $1.count }, dimension: 120,
                           labels: chosen.flatMap(\.labels).map { $0 == 1 ? 1 : -1 })
    }

    /// Two Gaussian clouds in `dimension` dimensions, centres ±`separation`/2 along every axis, unit spread.
    static func gaussian(count: Int, dimension: Int, separation: Double, seed: UInt64) -> BinaryExamples {
        var random = Xoshiro256StarStar(seed: seed)
        let labels: [Int8] = (0..<count).map { $0 % 2 == 0 ? 1 : -1 }
        let features = (0..<count * dimension).map { e in
            Float(Double(labels[e / dimension]) * separation / 2 + random.nextNormal())
        }
        return BinaryExamples(features: features, count: count, dimension: dimension, labels: labels)
    }

    func train(_ solver: LinearSvmSolver, cost: Float, bias: Bool = true) throws -> (machine: LinearMachine, alpha: [Double]) {
        try features.withUnsafeBufferPointer {
            try solver.solve(features: $0, count: count, dimension: dimension, labels: labels,
                             costs: [Float](repeating: cost, count: count), bias: bias)
        }
    }

    /// w·xᵢ + b for every example, in Double.
    func decisions(weights: [Float], bias: Float) -> [Double] {
        (0..<count).map { i in
            (0..<dimension).reduce(Double(bias)) { $0 + Double(weights[$1]) * Double(features[i * dimension + $1]) }
        }
    }

    /// LIBLINEAR's objective ½‖w‖² + ½ Σ Dᵢαᵢ² − Σ αᵢ (w with its bias), with Dᵢ = 1/(2C) for the squared hinge.
    func dualObjective(_ machine: LinearMachine, alpha: [Double], loss: LinearSvmSolver.Loss, cost: Float) -> Double {
        let diagonal = loss == .hinge ? 0 : 0.5 / Double(cost)
        let norm = machine.weights.reduce(Double(machine.bias) * Double(machine.bias)) { $0 + Double($1) * Double($1) }
        return 0.5 * norm + alpha.reduce(0) { $0 + 0.5 * diagonal * $1 * $1 - $1 }
    }

    /// The spread max − min of the projected gradient over every example: 0 at the optimum, and what the solver
    /// stops on.
    func projectedGradientSpread(_ machine: LinearMachine, alpha: [Double], loss: LinearSvmSolver.Loss, cost: Float) -> Double {
        let diagonal = loss == .hinge ? 0 : 0.5 / Double(cost)
        let upper = loss == .hinge ? Double(cost) : .infinity
        let margins = decisions(weights: machine.weights, bias: machine.bias)
        var high = -Double.infinity, low = Double.infinity
        for i in 0..<count {
            let g = Double(labels[i]) * margins[i] - 1 + diagonal * alpha[i]
            let projected = alpha[i] <= 0 ? min(g, 0) : alpha[i] >= upper ? max(g, 0) : g
            high = max(high, projected)
            low = min(low, projected)
        }
        return high - low
    }

    /// Fraction of examples whose sign of w·x + b is their label.
    func accuracy(weights: [Float], bias: Float) -> Double {
        let d = decisions(weights: weights, bias: bias)
        return Double((0..<count).filter { (d[$0] > 0 ? 1 : -1) == labels[$0] }.count) / Double(count)
    }
}
