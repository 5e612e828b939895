import StimKernels
@testable import StimLearn

/// Finite-difference checks of back-propagation: for f = Σ R ⊙ network(x) with a fixed random R, the
/// analytic directional derivative along a random direction d (∇f · d) must match
/// (f(θ + εd) − f(θ − εd)) / 2ε, for the input and for each parameter separately.
struct GradientCheck {
    var generator = Xoshiro256StarStar(seed: 7)

    mutating func randoms(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in Float(generator.nextNormal()) * scale }
    }

    /// Returns (analytic, numeric) pairs: first for the input, then for every parameter.
    mutating func check(_ network: Sequential, batch: Int, input: [Float]? = nil, epsilon: Float = 1e-3,
                        training: Bool = true) -> [(analytic: Double, numeric: Double, name: String)] {
        let x = input ?? randoms(batch * network.inputCount)
        let weights = randoms(batch * network.outputCount)
        func objective(_ x: [Float]) -> Double {
            let y = x.withUnsafeBufferPointer { network.forward($0, batch: batch, training: training) }
            var total = 0.0
            for i in 0..<y.count { total += Double(y[i]) * Double(weights[i]) }
            return total
        }
        _ = objective(x)
        let inputGradient = weights.withUnsafeBufferPointer {
            Array(network.backward($0, batch: batch, inputGradient: true)!)
        }
        let parameterGradients = network.parameters.map(\.gradient.array)
        var results: [(Double, Double, String)] = []

        let direction = randoms(x.count)
        let analyticInput = zip(inputGradient, direction).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let plus = objective(zip(x, direction).map { $0 + epsilon * $1 })
        let minus = objective(zip(x, direction).map { $0 - epsilon * $1 })
        results.append((analyticInput, (plus - minus) / (2 * Double(epsilon)), "input"))

        for (parameter, gradient) in zip(network.parameters, parameterGradients) {
            let original = parameter.value.array
            let d = randoms(original.count)
            let analytic = zip(gradient, d).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            zip(original, d).map { $0 + epsilon * $1 }.withUnsafeBufferPointer { parameter.value.copy(from: $0) }
            let up = objective(x)
            zip(original, d).map { $0 - epsilon * $1 }.withUnsafeBufferPointer { parameter.value.copy(from: $0) }
            let down = objective(x)
            original.withUnsafeBufferPointer { parameter.value.copy(from: $0) }
            results.append((analytic, (up - down) / (2 * Double(epsilon)), parameter.name))
        }
        return results
    }
}

/// |a − n| ≤ tolerance · max(|a|, |n|, 0.05): relative where the derivative is sizable; the floor
/// absorbs float32 rounding of the objective (about 10⁻⁶ of it), which ε = 10⁻³ magnifies 500-fold.
func agrees(_ analytic: Double, _ numeric: Double, tolerance: Double = 1e-2) -> Bool {
    abs(analytic - numeric) <= tolerance * max(abs(analytic), abs(numeric), 0.05)
}
