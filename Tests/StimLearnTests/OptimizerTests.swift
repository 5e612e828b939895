import StimLearn
import Testing

@Suite struct OptimizerTests {
    // Adam updates eight lanes at a time with a scalar tail; both must do what the formula says, element by
    // element in the same order of operations (19 values: two full lanes of 8 and a tail of 3).
    @Test func adamMatchesTheScalarFormula() {
        let parameter = Parameter(name: "w", shape: [19], decays: true)
        for i in 0..<19 { parameter.value[i] = Float(i) / 7 - 1 }
        var w = parameter.value.array, m = [Float](repeating: 0, count: 19), v = m
        let adam = Adam(parameters: [parameter], learningRate: 0.01, weightDecay: 0.1)
        var power1: Float = 1, power2: Float = 1
        for step in 1...3 {
            for i in 0..<19 { parameter.gradient[i] = Float((i * 5 + step) % 11) / 3 - 1.5 }
            let g = parameter.gradient.array
            adam.step()
            power1 *= 0.9
            power2 *= 0.999
            let stepSize = Float(0.01) / (1 - power1), correction2 = 1 / (1 - power2), decay = Float(0.01) * 0.1
            for i in 0..<19 {
                m[i] = 0.9 * m[i] + (1 - 0.9) * g[i]
                v[i] = 0.999 * v[i] + (1 - 0.999) * g[i] * g[i]
                w[i] -= stepSize * m[i] / ((v[i] * correction2).squareRoot() + 1e-8) + decay * w[i]
            }
            #expect(parameter.value.array == w, "step \(step)")
        }
    }
}
