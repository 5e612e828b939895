import StimKernels
import Testing
@testable import StimLearn

/// Every layer's backward pass against finite differences, with respect to its input and its parameters.
@Suite struct LayerGradientTests {
    static let cases: [(String, [Int], [LayerSpec])] = [
        ("dense", [7], [.dense(units: 5)]),
        ("dense without bias", [4], [.dense(units: 3, bias: false)]),
        ("conv1d", [3, 17], [.conv1d(filters: 4, kernel: 5, stride: 2, padding: 2)]),
        ("conv1d dilated", [2, 20], [.conv1d(filters: 3, kernel: 3, dilation: 3)]),
        ("conv2d", [2, 7, 6], [.conv2d(filters: 3, kernel: [3, 2], stride: [2, 1], padding: [1, 0])]),
        ("convTranspose1d", [4, 15], [.convTranspose1d(filters: 3, kernel: 4, stride: 2, padding: 1)]),
        ("convTranspose1d output padding", [3, 6], [.convTranspose1d(filters: 2, kernel: 3, stride: 3, outputPadding: 2)]),
        ("convTranspose2d", [3, 4, 5], [.convTranspose2d(filters: 2, kernel: [3, 3], stride: [2, 2], padding: [1, 1],
                                                         outputPadding: [1, 0])]),
        ("maxPool1d", [3, 12], [.maxPool1d(kernel: 3, stride: 2)]),
        ("maxPool2d", [2, 6, 6], [.maxPool2d(kernel: [2, 3], stride: [2, 2])]),
        ("averagePool1d", [3, 12], [.averagePool1d(kernel: 4, stride: 3)]),
        ("averagePool2d", [2, 5, 6], [.averagePool2d(kernel: [2, 2], stride: [1, 2])]),
        ("globalAveragePool", [4, 9], [.globalAveragePool]),
        ("flatten + reshape", [2, 3, 4], [.flatten, .reshape([4, 6])]),
        ("leakyRelu", [10], [.leakyRelu(slope: 0.1)]),
        ("sigmoid", [10], [.sigmoid]),
        ("tanh", [10], [.tanh]),
        ("batchNorm conv", [3, 8], [.batchNorm()]),
        ("batchNorm flat", [6], [.batchNorm()]),
        // Whole networks with smooth activations: a finite difference across thousands of units would
        // step over some ReLU kink or max-pool tie (those layers are checked alone above and below).
        ("teacher", [2, 60], [
            .conv1d(filters: 8, kernel: 7, padding: 3), .tanh, .averagePool1d(kernel: 2, stride: 2),
            .conv1d(filters: 8, kernel: 5, padding: 2), .batchNorm(), .sigmoid, .averagePool1d(kernel: 2, stride: 2),
            .conv1d(filters: 6, kernel: 3, padding: 1), .tanh, .globalAveragePool, .dense(units: 2),
        ]),
        ("generator", [16], [
            .dense(units: 4 * 15), .tanh, .reshape([4, 15]),
            .convTranspose1d(filters: 3, kernel: 4, stride: 2, padding: 1), .sigmoid,
            .convTranspose1d(filters: 2, kernel: 4, stride: 2, padding: 1), .tanh,
        ]),
    ]

    @Test(arguments: 0..<cases.count)
    func backwardMatchesFiniteDifferences(index: Int) throws {
        let (name, shape, specs) = Self.cases[index]
        // Random weights of about unit scale so every path carries gradient.
        let network = try Sequential(inputShape: shape, layers: specs, initializer: .glorotNormal, seed: 3)
        var checker = GradientCheck()
        for parameter in network.parameters where !parameter.decays {
            let values = checker.randoms(parameter.count, scale: 0.5).map { parameter.name == "gamma" ? 1 + $0 : $0 }
            values.withUnsafeBufferPointer { parameter.value.copy(from: $0) }
        }
        for (analytic, numeric, what) in checker.check(network, batch: 3) {
            #expect(agrees(analytic, numeric), "\(name) ∂/∂\(what): analytic \(analytic), numeric \(numeric)")
        }
    }

    /// ReLU and max-pool are checked away from their kinks: inputs at least 0.1 from zero / from ties.
    @Test func reluAwayFromZero() throws {
        let network = try Sequential(inputShape: [12], layers: [.relu])
        var checker = GradientCheck()
        let input = checker.randoms(24).map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        for (analytic, numeric, _) in checker.check(network, batch: 2, input: input) {
            #expect(agrees(analytic, numeric), "relu: analytic \(analytic), numeric \(numeric)")
        }
    }

    /// Dropout's gradient is its mask: ∂out/∂in = out/in wherever the input is non-zero.
    @Test func dropoutGradientIsItsMask() throws {
        let network = try Sequential(inputShape: [1000], layers: [.dropout(rate: 0.3)], seed: 5)
        let input = (0..<1000).map { Float($0 % 7) + 1 }
        let output = Array(input.withUnsafeBufferPointer { network.forward($0, batch: 1, training: true) })
        let ones = [Float](repeating: 1, count: 1000)
        let gradient = Array(ones.withUnsafeBufferPointer { network.backward($0, batch: 1, inputGradient: true)! })
        let dropped = output.filter { $0 == 0 }.count
        #expect((220...380).contains(dropped), "expected about 300 of 1000 dropped, got \(dropped)")
        for i in 0..<1000 { #expect(abs(gradient[i] - output[i] / input[i]) < 1e-6) }
        for i in 0..<1000 where output[i] != 0 { #expect(abs(output[i] - input[i] / 0.7) < 1e-5) }
        // Inference is the identity, and so is the gradient after it (a frozen teacher's input gradient), whatever
        // mask the last training pass left.
        let inference = Array(input.withUnsafeBufferPointer { network.forward($0, batch: 1) })
        #expect(inference == input)
        let through = Array(ones.withUnsafeBufferPointer { network.backward($0, batch: 1, inputGradient: true)! })
        #expect(through == ones)
    }

    /// In inference, batch norm uses the running statistics, which track the training batches.
    @Test func batchNormRunningStatistics() throws {
        let network = try Sequential(inputShape: [2, 50], layers: [.batchNorm(momentum: 0.5)])
        var generator = Xoshiro256StarStar(seed: 1)
        // Channel 0 ~ N(3, 2²), channel 1 ~ N(−1, 0.5²).
        for _ in 0..<30 {
            var batch: [Float] = []
            for _ in 0..<4 {
                for _ in 0..<50 { batch.append(Float(3 + 2 * generator.nextNormal())) }
                for _ in 0..<50 { batch.append(Float(-1 + 0.5 * generator.nextNormal())) }
            }
            batch.withUnsafeBufferPointer { _ = network.forward($0, batch: 4, training: true) }
        }
        let layer = try #require(network.layers[0] as? BatchNormLayer)
        #expect(abs(layer.runningMean[0] - 3) < 0.4 && abs(layer.runningMean[1] + 1) < 0.1)
        #expect(abs(layer.runningVariance[0] - 4) < 1.2 && abs(layer.runningVariance[1] - 0.25) < 0.08)
        let probe: [Float] = Array(repeating: 3, count: 50) + Array(repeating: -1, count: 50)
        let normalized = Array(probe.withUnsafeBufferPointer { network.forward($0, batch: 1) })
        #expect(normalized.allSatisfy { abs($0) < 0.3 })
    }

    /// Spreading a batch over threads changes no output or input-gradient bit; weight gradients add
    /// per-thread parts, so they agree to rounding. Batch 1 does not split, 20 splits in two (runs of at least
    /// 8 examples), 64 in three; batch normalization and dropout take the whole batch between split stages.
    @Test(arguments: [1, 20, 64])
    func threadsGiveTheSameResults(batch: Int) throws {
        let specs: [LayerSpec] = [
            .conv1d(filters: 6, kernel: 5, padding: 2), .relu, .maxPool1d(kernel: 2, stride: 2),
            .conv1d(filters: 4, kernel: 3), .batchNorm(), .tanh, .dropout(rate: 0.25),
            .globalAveragePool, .dense(units: 3),
        ]
        let one = try Sequential(inputShape: [2, 30], layers: specs, seed: 9)
        let two = try Sequential(inputShape: [2, 30], layers: specs, seed: 9)
        two.threads = 3
        #expect(two.split(batch: batch).parts == [1: 1, 20: 2, 64: 3][batch])
        var checker = GradientCheck()
        let input = checker.randoms(batch * 60), upstream = checker.randoms(batch * 3)
        var results: [([Float], [Float], [[Float]])] = []
        for network in [one, two] {
            let output = Array(input.withUnsafeBufferPointer { network.forward($0, batch: batch, training: true) })
            let gradient = Array(upstream.withUnsafeBufferPointer { network.backward($0, batch: batch, inputGradient: true)! })
            results.append((output, gradient, network.parameters.map(\.gradient.array)))
        }
        #expect(results[0].0 == results[1].0)
        #expect(results[0].1 == results[1].1)
        for (a, b) in zip(results[0].2, results[1].2) {
            for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-5 * max(1, abs(x)), "\(x) vs \(y)") }
        }
        // A smaller batch afterwards (fewer, longer runs) reuses the buffers and still agrees.
        let small = min(batch, 12)
        let outputs = [one, two].map { network in
            Array(input.withUnsafeBufferPointer { network.forward($0.slice(0, small * 60), batch: small) })
        }
        #expect(outputs[0] == outputs[1])
    }

    @Test func shapeErrorsNameTheLayer() {
        #expect(throws: LearnError.self) { try Sequential(inputShape: [2, 60], layers: [.dense(units: 3)]) }
        do {
            _ = try Sequential(inputShape: [2, 5], layers: [.relu, .conv1d(filters: 2, kernel: 9)])
            Issue.record("a kernel longer than the input must be refused")
        } catch let error as LearnError {
            #expect(error.description.contains("layer 2"), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: LearnError.self) {
            try Sequential(inputShape: [2, 5], layers: [.convTranspose1d(filters: 1, kernel: 2, stride: 2, outputPadding: 2)])
        }
        #expect(throws: LearnError.self) { try Sequential(inputShape: [6], layers: [.reshape([4, 2])]) }
        #expect(throws: LearnError.self) { try Sequential(inputShape: [6], layers: [.dropout(rate: 1)]) }
        #expect(throws: LearnError.self) { try Sequential(inputShape: [3, 0], layers: [.relu]) }
    }

    /// PyTorch's transposed-convolution output length: (in − 1)·stride − 2·padding + kernel + outputPadding.
    @Test func transposedConvolutionOutputLength() throws {
        let generator = try Sequential(inputShape: [32, 15], layers: [
            .convTranspose1d(filters: 16, kernel: 4, stride: 2, padding: 1),
            .convTranspose1d(filters: 2, kernel: 4, stride: 2, padding: 1),
        ])
        #expect(generator.layers[0].outputShape == [16, 30])
        #expect(generator.outputShape == [2, 60])
        let twoD = try Sequential(inputShape: [3, 4, 5], layers: [
            .convTranspose2d(filters: 2, kernel: [3, 3], stride: [2, 2], padding: [1, 1], outputPadding: [1, 0])])
        #expect(twoD.outputShape == [2, 8, 9])
    }
}
