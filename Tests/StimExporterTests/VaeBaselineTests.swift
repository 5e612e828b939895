import Foundation
import StimKernels
import StimLearn
import Testing
@testable import StimExporter

@Suite struct VaeBaselineTests {
    static func noise(_ count: Int, seed: UInt64) -> [Float] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in Float(generator.nextNormal()) }
    }

    /// The negative ELBO's gradient for a fixed ε against central differences, for every parameter of the
    /// encoder (which carries the KL term and the reparameterization) and of the decoder.
    @Test func elboGradientMatchesFiniteDifferences() throws {
        var options = VaeBaseline.Options()
        options.latent = 3
        options.hidden = 5
        options.seed = 7
        let vae = try VaeBaseline(exampleShape: [2, 6], options: options)
        let batch = 4
        let inputs = Self.noise(batch * 12, seed: 1), epsilon = Self.noise(batch * 3, seed: 2)
        func loss() throws -> Float {
            try inputs.withUnsafeBufferPointer { try vae.lossAndGradients($0, batch: batch, noise: epsilon) }
        }
        _ = try loss()
        let parameters = vae.encoder.parameters + vae.decoder.parameters
        let analytic = parameters.map(\.gradient.array)
        let h: Float = 2e-3
        var checked = 0
        for (p, parameter) in parameters.enumerated() {
            for i in stride(from: 0, to: parameter.count, by: max(1, parameter.count / 7)) {
                let saved = parameter.value[i]
                parameter.value[i] = saved + h
                let up = try loss()
                parameter.value[i] = saved - h
                let down = try loss()
                parameter.value[i] = saved
                let numeric = (up - down) / (2 * h)
                #expect(abs(numeric - analytic[p][i]) <= 0.02 + 0.02 * abs(analytic[p][i]),
                        "\(parameter.name)[\(i)]: analytic \(analytic[p][i]), numeric \(numeric)")
                checked += 1
            }
        }
        #expect(checked > 40)
    }

    /// With zero encoder weights μ = 0 and log σ² = 0, so the KL term is 0; with the output bias for log σ² set
    /// to ln 4 it is latent · ½(4 − 1 − ln 4) per window, and the loss moves by exactly that.
    @Test func klTermHasItsClosedForm() throws {
        var options = VaeBaseline.Options()
        options.latent = 2
        options.hidden = 4
        let vae = try VaeBaseline(exampleShape: [1, 5], options: options)
        let inputs = Self.noise(3 * 5, seed: 3)
        let zeroNoise = [Float](repeating: 0, count: 3 * 2)
        let last = try #require(vae.encoder.layers.last)
        for parameter in last.parameters { parameter.value.fill(0) }
        let base = try inputs.withUnsafeBufferPointer { try vae.lossAndGradients($0, batch: 3, noise: zeroNoise) }
        // ε = 0: z = μ whatever σ is, so only the KL term changes.
        let bias = try #require(last.parameters.first { !$0.decays })
        for j in 2..<4 { bias.value[j] = log(Float(4)) }
        let shifted = try inputs.withUnsafeBufferPointer { try vae.lossAndGradients($0, batch: 3, noise: zeroNoise) }
        let expected = 2 * 0.5 * (4 - 1 - log(Float(4)))
        #expect(abs((shifted - base) - expected) < 1e-4)
    }

    @Test func learnsAndSamplesLabelledWindows() throws {
        // Sines of random phase and amplitude, "apnea" when the amplitude is below 1: a VAE should reconstruct
        // them far better than their variance, and its samples span both classes.
        var generator = Xoshiro256StarStar(seed: 4)
        var inputs: [Float] = [], labels: [Int] = []
        for _ in 0..<400 {
            let (phase, amplitude) = (Float(generator.nextDouble() * 6.28), Float(0.5 + generator.nextDouble()))
            for c in 0..<2 { for t in 0..<20 { inputs.append(amplitude * sin(Float(t) * 0.6 + phase + Float(c))) } }
            labels.append(amplitude < 1 ? 1 : 0)
        }
        let windows = try LabelledWindows(exampleShape: [2, 20], classNames: ["normal", "apnea"], inputs: inputs,
                                          labels: labels, persons: [Int](repeating: 0, count: 400), personNames: ["p"])
        var options = VaeBaseline.Options()
        options.epochs = 30
        let vae = try VaeBaseline(exampleShape: [2, 20], options: options)
        var losses: [Float] = []
        try vae.train(on: windows) { _, _, loss in losses.append(loss) }
        #expect(losses.count == 30)
        #expect(try #require(losses.last) < 0.5 * (try #require(losses.first)))
        var teacherOptions = StudentTrainingOptions()
        teacherOptions.epochs = 30
        let teacher = try Student(body: try StudentTrainer(options: teacherOptions).train(.mlp, on: try windows.classData()).body,
                                  inputShape: [2, 20], classes: 2)
        let samples = try vae.sample(50, teacher: teacher)
        #expect(samples.count == 50 && samples.inputs.count == 50 * 40 && samples.softLabels.count == 100)
        #expect(samples.softLabels == (try teacher.probabilities(samples.inputs)))
        #expect(samples.targetClasses == (try teacher.predict(samples.inputs)))
        #expect(samples.targetClasses.filter { $0 == 1 }.count == 25)
        #expect(samples.inputs.allSatisfy { $0.isFinite })
        _ = try samples.trainingData()
        let plain = try vae.sample(400, teacher: teacher, balanced: false)
        #expect(plain.count == 400)
        #expect(plain.targetClasses == (try teacher.predict(plain.inputs)))
        #expect(throws: LearnError.self) { try vae.sample(0, teacher: teacher) }
        #expect(throws: LearnError.self) { try VaeBaseline(exampleShape: [2, 20], options: { var o = options; o.latent = 0; return o }()) }
    }
}
