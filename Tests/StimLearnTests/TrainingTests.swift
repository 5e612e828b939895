import StimKernels
import Testing
@testable import StimLearn

@Suite struct LossTests {
    /// Closed form: logits (0, ln 3) give p = (1/4, 3/4); for label 1 the loss is −ln ¾ and ∂/∂z = p − t.
    @Test func hardLabelClosedForm() {
        let logits: [Float] = [0, Float(3.0).naturalLog()]
        var gradient = [Float](repeating: 0, count: 2)
        let loss = logits.withUnsafeBufferPointer { l in
            gradient.withUnsafeMutableBufferPointer { Loss.crossEntropy(logits: l, labels: [1], classes: 2, gradient: $0) }
        }
        #expect(abs(loss - -Float(0.75).naturalLog()) < 1e-6)
        #expect(abs(gradient[0] - 0.25) < 1e-6 && abs(gradient[1] + 0.25) < 1e-6)
    }

    /// Soft targets (distillation): ∂/∂z = p − t; the loss is the cross-entropy H(t, p) ≥ H(t).
    @Test func softTargetsGradientAndFiniteDifferences() {
        var generator = Xoshiro256StarStar(seed: 3)
        let logits = (0..<12).map { _ in Float(generator.nextNormal() * 2) }
        var targets = [Float]()
        for _ in 0..<4 {
            let raw = (0..<3).map { _ in Float(generator.nextDouble() + 0.1) }
            targets += raw.map { $0 / raw.reduce(0, +) }
        }
        let weights: [Float] = [1, 2.5, 0.5]
        func loss(_ z: [Float], gradient: UnsafeMutableBufferPointer<Float>? = nil) -> Float {
            z.withUnsafeBufferPointer { l in
                targets.withUnsafeBufferPointer { Loss.crossEntropy(logits: l, targets: $0, classes: 3, classWeights: weights, gradient: gradient) }
            }
        }
        var gradient = [Float](repeating: 0, count: 12)
        _ = gradient.withUnsafeMutableBufferPointer { loss(logits, gradient: $0) }
        for i in 0..<12 {
            var up = logits, down = logits
            up[i] += 1e-2
            down[i] -= 1e-2
            let numeric = (loss(up) - loss(down)) / 2e-2
            #expect(abs(numeric - gradient[i]) < 2e-3, "∂/∂z[\(i)]: \(gradient[i]) vs \(numeric)")
        }
    }

    /// Class weights: the weighted mean of per-example losses, Σ wᵢ·CEᵢ / Σ wᵢ.
    @Test func classWeightsAreAWeightedMean() {
        let logits: [Float] = [2, 0, 0, 1]
        let single = { (row: [Float], label: Int) -> Float in
            row.withUnsafeBufferPointer { Loss.crossEntropy(logits: $0, labels: [label], classes: 2) }
        }
        let expected = (1 * single([2, 0], 0) + 3 * single([0, 1], 1)) / 4
        let weighted = logits.withUnsafeBufferPointer { Loss.crossEntropy(logits: $0, labels: [0, 1], classes: 2, classWeights: [1, 3]) }
        #expect(abs(weighted - expected) < 1e-6)
    }

    /// Against a fixed distribution the loss is smallest when the posterior equals it (anonymization).
    @Test func towardsDistribution() {
        let target: [Float] = [0.5, 0.3, 0.2]
        let matching = target.map { Float($0).naturalLog() }
        var gradient = [Float](repeating: 1, count: 3)
        let best = matching.withUnsafeBufferPointer { l in
            gradient.withUnsafeMutableBufferPointer { Loss.crossEntropy(logits: l, towards: target, gradient: $0) }
        }
        #expect(gradient.allSatisfy { abs($0) < 1e-6 })
        let entropy = -target.reduce(0) { $0 + $1 * Float($1).naturalLog() }
        #expect(abs(best - entropy) < 1e-5)
        let other = [Float](arrayLiteral: 3, 0, 0).withUnsafeBufferPointer { Loss.crossEntropy(logits: $0, towards: target) }
        #expect(other > best)
    }

    /// Huge logits do not overflow: the log-sum-exp is taken around the maximum.
    @Test func stableForLargeLogits() {
        let loss = [Float](arrayLiteral: 1000, -1000, 999).withUnsafeBufferPointer {
            Loss.crossEntropy(logits: $0, labels: [2], classes: 3)
        }
        #expect(loss.isFinite && abs(loss - 1.3132617) < 1e-4)
    }
}

@Suite struct OptimizerTests {
    static func parameter(_ values: [Float], gradient: [Float], decays: Bool = true) -> Parameter {
        let p = Parameter(name: "w", shape: [values.count], decays: decays)
        values.withUnsafeBufferPointer { p.value.copy(from: $0) }
        gradient.withUnsafeBufferPointer { p.gradient.copy(from: $0) }
        return p
    }

    /// Adam's first step is lr·g/(|g| + ε) ≈ lr·sign(g), whatever the gradient's size.
    @Test func adamFirstStepIsTheSign() {
        let p = Self.parameter([1, 1, 1], gradient: [0.001, -50, 3])
        Adam(parameters: [p], learningRate: 0.1).step()
        #expect(abs(p.value[0] - 0.9) < 1e-5 && abs(p.value[1] - 1.1) < 1e-5 && abs(p.value[2] - 0.9) < 1e-5)
    }

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

    /// Spread over threads, Adam takes shares of all parameters laid end to end; shares that start and end
    /// inside parameters, and a parameter smaller than a vector, must give the one-thread bits.
    @Test func adamGivesTheSameBitsOnAnyNumberOfThreads() {
        func run(threads: Int) -> [[Float]] {
            let parameters = [Parameter(name: "a", shape: [100_001], decays: true), Parameter(name: "b", shape: [3], decays: false),
                              Parameter(name: "c", shape: [97, 1000], decays: true)]
            let adam = Adam(parameters: parameters, learningRate: 0.01, weightDecay: 0.1)
            adam.threads = threads
            for (index, parameter) in parameters.enumerated() {
                for i in 0..<parameter.count { parameter.value[i] = Float((i * 7 + index) % 23) / 11 - 1 }
            }
            for step in 1...3 {
                for (index, parameter) in parameters.enumerated() {
                    for i in 0..<parameter.count { parameter.gradient[i] = Float((i * 5 + step + index) % 13) / 4 - 1.5 }
                }
                adam.step()
            }
            return parameters.map { $0.value.array }
        }
        let one = run(threads: 1)
        for threads in [2, 3] { #expect(run(threads: threads) == one, "\(threads) threads") }
    }

    /// On f(w) = ½w² Adam walks to the minimum.
    @Test func adamMinimizesAQuadratic() {
        let p = Self.parameter([5], gradient: [0])
        let adam = Adam(parameters: [p], learningRate: 0.1)
        for _ in 0..<500 {
            p.gradient[0] = p.value[0]
            adam.step()
        }
        #expect(abs(p.value[0]) < 0.05)
    }

    /// SGD with momentum by hand: v₁ = g, w₁ = w₀ − lr·v₁; v₂ = μv₁ + g, w₂ = w₁ − lr·v₂.
    @Test func sgdMomentumByHand() {
        let p = Self.parameter([1], gradient: [2])
        let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        sgd.step()
        #expect(abs(p.value[0] - 0.8) < 1e-6)
        sgd.step()
        #expect(abs(p.value[0] - (0.8 - 0.1 * 3.8)) < 1e-6)
    }

    /// Weight decay shrinks weights but not biases; AdamW's decay is lr·λ·w, apart from the gradient.
    @Test func weightDecayAppliesToWeightsOnly() {
        let weight = Self.parameter([2], gradient: [0]), bias = Self.parameter([2], gradient: [0], decays: false)
        SGD(parameters: [weight, bias], learningRate: 0.1, momentum: 0, weightDecay: 0.5).step()
        #expect(abs(weight.value[0] - 1.9) < 1e-6 && bias.value[0] == 2)
        let w2 = Self.parameter([2], gradient: [0])
        Adam(parameters: [w2], learningRate: 0.1, weightDecay: 0.5).step()
        #expect(abs(w2.value[0] - 1.9) < 1e-6)
    }

    @Test func clippingScalesToTheGlobalNorm() {
        let a = Self.parameter([0, 0], gradient: [3, 0]), b = Self.parameter([0], gradient: [4])
        let norm = clipGradients([a, b], maxNorm: 1)
        #expect(norm == 5)
        #expect(abs(a.gradient[0] - 0.6) < 1e-6 && abs(b.gradient[0] - 0.8) < 1e-6)
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.step(every: 10, factor: 0.5).rate(base: 1, epoch: 25, epochs: 30) == 0.25)
        #expect(abs(LearningRateSchedule.exponential(factor: 0.9).rate(base: 1, epoch: 2, epochs: 30) - 0.81) < 1e-6)
        let cosine = LearningRateSchedule.cosine(floor: 0.1)
        #expect(abs(cosine.rate(base: 1, epoch: 0, epochs: 11) - 1) < 1e-6)
        #expect(abs(cosine.rate(base: 1, epoch: 5, epochs: 11) - 0.55) < 1e-5)
        #expect(abs(cosine.rate(base: 1, epoch: 10, epochs: 11) - 0.1) < 1e-6)
    }
}

@Suite struct InitializerTests {
    /// He-uniform: bound √(6/fanIn), variance 2/fanIn; Glorot-normal: variance 2/(fanIn + fanOut).
    @Test func variancesFollowTheFans() throws {
        let network = try Sequential(inputShape: [50, 40], layers: [.conv1d(filters: 200, kernel: 5)], seed: 1)
        let w = network.parameters[0].value.array
        let fanIn: Float = 50 * 5, fanOut: Float = 200 * 5
        #expect(w.allSatisfy { abs($0) <= (6 / fanIn).squareRoot() })
        let variance = w.reduce(0) { $0 + $1 * $1 } / Float(w.count)
        #expect(abs(variance / (2 / fanIn) - 1) < 0.03)
        network.initialize(.glorotNormal, seed: 2)
        let g = network.parameters[0].value.array
        let gVariance = g.reduce(0) { $0 + $1 * $1 } / Float(g.count)
        #expect(abs(gVariance / (2 / (fanIn + fanOut)) - 1) < 0.03)
        #expect(network.parameters[1].value.array.allSatisfy { $0 == 0 })
    }

    /// Re-initializing in place with a seed reproduces the network built with it.
    @Test func reinitializationIsReproducible() throws {
        let a = try Sequential(inputShape: [2, 60], layers: ModelConversionTests.teacher, seed: 11)
        let b = try Sequential(inputShape: [2, 60], layers: ModelConversionTests.teacher, seed: 12)
        #expect(a.snapshot() != b.snapshot())
        b.initialize(.heUniform, seed: 11)
        #expect(a.snapshot() == b.snapshot())
    }
}

@Suite struct TrainerTests {
    /// Two classes of 1-D signals: a slow sine vs a fast one, with noise and random phase.
    static func sines(count: Int, seed: UInt64) throws -> TrainingData {
        var generator = Xoshiro256StarStar(seed: seed)
        var inputs: [Float] = [], labels: [Int] = []
        for _ in 0..<count {
            let label = generator.nextInt(in: 0..<2)
            let frequency = label == 0 ? 0.05 : 0.15, phase = generator.nextDouble() * 6.28
            for t in 0..<32 {
                let x = Double(t) * frequency * 6.283 + phase
                inputs.append(Float(sinApprox(x) + 0.3 * generator.nextNormal()))
            }
            labels.append(label)
        }
        return try TrainingData(exampleShape: [1, 32], classes: 2, inputs: inputs, labels: labels)
    }

    static let small: [LayerSpec] = [
        .conv1d(filters: 6, kernel: 5, padding: 2), .relu, .maxPool1d(kernel: 2, stride: 2),
        .conv1d(filters: 8, kernel: 3, padding: 1), .relu, .globalAveragePool, .dense(units: 2),
    ]

    @Test func learnsAndReportsProgress() throws {
        let data = try Self.sines(count: 600, seed: 1), test = try Self.sines(count: 300, seed: 2)
        let network = try Sequential(inputShape: [1, 32], layers: Self.small, seed: 3)
        var options = TrainingOptions()
        options.epochs = 15
        options.batchSize = 32
        options.optimizer = .adam(learningRate: 3e-3)
        var reports: [EpochReport] = []
        let result = try Trainer(options: options).train(network, on: data, validation: test) { reports.append($0) }
        #expect(reports.count == 15 && reports.map(\.epoch) == Array(0..<15))
        #expect(reports.last!.trainingLoss < reports.first!.trainingLoss / 3)
        #expect(reports.allSatisfy { $0.validationLoss != nil && $0.elapsed > .zero })
        #expect(reports[0].remaining > reports[13].remaining)
        let (_, accuracy) = Trainer(options: options).evaluate(network, on: test)
        #expect(accuracy >= 0.95, "held-out accuracy \(accuracy)")
        // The network keeps the best epoch's weights.
        #expect(result.history[result.bestEpoch].validationLoss == result.history.compactMap(\.validationLoss).min())
    }

    /// The same seed, data and network give identical weights; another seed does not.
    @Test func fixedSeedsAreReproducible() throws {
        let data = try Self.sines(count: 200, seed: 4)
        func run(_ seed: UInt64, threads: Int = 1) throws -> [[Float]] {
            let network = try Sequential(inputShape: [1, 32], layers: Self.small + [.dropout(rate: 0.2)], seed: 5)
            var options = TrainingOptions()
            options.epochs = 3
            options.seed = seed
            options.clipNorm = 1
            options.threads = threads
            _ = try Trainer(options: options).train(network, on: data)
            return network.snapshot()
        }
        #expect(try run(1) == run(1))
        #expect(try run(1) != run(2))
        // Two threads: reproducible too.
        #expect(try run(1, threads: 2) == run(1, threads: 2))
    }

    /// Early stopping: once validation loss stops falling for `patience` epochs, training ends and the
    /// best epoch's weights are restored.
    @Test func earlyStoppingRestoresTheBestEpoch() throws {
        // Random labels: the network can only overfit, so validation loss turns up early.
        var generator = Xoshiro256StarStar(seed: 9)
        let inputs = (0..<(120 * 32)).map { _ in Float(generator.nextNormal()) }
        let labels = (0..<120).map { _ in generator.nextInt(in: 0..<2) }
        let all = try TrainingData(exampleShape: [1, 32], classes: 2, inputs: inputs, labels: labels)
        let (train, validation) = all.split(validationFraction: 0.5, seed: 1)
        let network = try Sequential(inputShape: [1, 32], layers: [.flatten, .dense(units: 64), .relu, .dense(units: 2)], seed: 1)
        var options = TrainingOptions()
        options.epochs = 200
        options.patience = 5
        options.optimizer = .adam(learningRate: 1e-2)
        let result = try Trainer(options: options).train(network, on: train, validation: validation)
        #expect(result.stoppedEarly)
        #expect(result.history.count == result.bestEpoch + 6)
        let (loss, _) = Trainer(options: options).evaluate(network, on: validation)
        #expect(abs(loss - result.history[result.bestEpoch].validationLoss!) < 1e-5)
    }

    @Test func badDataIsRefusedWithAReason() throws {
        #expect(throws: LearnError.self) {
            try TrainingData(exampleShape: [2], classes: 2, inputs: [1, .nan], labels: [0])
        }
        #expect(throws: LearnError.self) { try TrainingData(exampleShape: [2], classes: 2, inputs: [1, 2, 3], labels: [0]) }
        #expect(throws: LearnError.self) { try TrainingData(exampleShape: [2], classes: 2, inputs: [1, 2], labels: [2]) }
        #expect(throws: LearnError.self) { try TrainingData(exampleShape: [1], classes: 2, inputs: [1], targets: [0.7, 0.7]) }
        let data = try TrainingData(exampleShape: [3], classes: 2, inputs: [1, 2, 3], labels: [1])
        let wrong = try Sequential(inputShape: [4], layers: [.dense(units: 2)])
        #expect(throws: LearnError.self) { try Trainer().train(wrong, on: data) }
        // A learning rate that blows up is reported, not trained through.
        let network = try Sequential(inputShape: [3], layers: [.dense(units: 2)])
        var options = TrainingOptions()
        options.optimizer = .sgd(learningRate: .greatestFiniteMagnitude, momentum: 0)
        options.epochs = 5
        // The same input under both labels: the gradient never vanishes, and the first step overflows.
        let big = try TrainingData(exampleShape: [3], classes: 2, inputs: [100, -200, 300, 100, -200, 300], labels: [1, 0])
        #expect(throws: LearnError.self) { try Trainer(options: options).train(network, on: big) }
    }
}

/// sin x for the test signals, by range reduction to [−π, π] and a Taylor series.
func sinApprox(_ x: Double) -> Double {
    var r = x.truncatingRemainder(dividingBy: 2 * .pi)
    if r > .pi { r -= 2 * .pi }
    if r < -.pi { r += 2 * .pi }
    var term = r, sum = r
    for n in 1..<12 {
        term *= -r * r / Double((2 * n) * (2 * n + 1))
        sum += term
    }
    return sum
}

extension Float {
    func naturalLog() -> Float { FloatMath.log(self) }
}
