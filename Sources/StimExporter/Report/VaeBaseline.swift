import StimKernels
import StimLearn

/// The report's baseline generator: a small variational autoencoder (Kingma & Welling 2014) trained on the real
/// training windows. Its samples, labelled by the teacher's softmax as stimuli are, show what a plain generative
/// model of the windows gives students, and how close such samples come to the persons' windows.
///
/// Encoder: window → dense → ReLU → dense → (μ, log σ²) of `latent` dimensions. Decoder: z → dense → ReLU →
/// dense → window. Loss per window (the negative ELBO with a Gaussian likelihood of fixed variance v):
/// ‖x̂ − x‖² / (2v) + ½ Σ (μ² + σ² − 1 − log σ²), with z = μ + σ·ε (the reparameterization trick).
public final class VaeBaseline {
    public struct Options: Sendable {
        public var latent = 8
        public var hidden = 64
        /// The likelihood's variance v, in units of the (z-scored) windows: smaller weighs reconstruction more.
        public var reconstructionVariance: Float = 0.25
        public var epochs = 40
        public var batchSize = 64
        public var learningRate: Float = 1e-3
        public var seed: UInt64 = 0
        public init() {}
    }

    public let options: Options
    public let exampleShape: [Int]
    let encoder: Sequential
    let decoder: Sequential
    private var generator: Xoshiro256StarStar

    public init(exampleShape: [Int], options: Options = Options()) throws {
        guard options.latent > 0, options.hidden > 0, options.reconstructionVariance > 0, options.epochs > 0,
              options.batchSize > 0, options.learningRate > 0 else {
            throw LearnError.parameter("the VAE needs a positive latent size, hidden size, variance, epochs, batch and rate")
        }
        let size = exampleShape.reduce(1, *)
        self.options = options
        self.exampleShape = exampleShape
        encoder = try Sequential(inputShape: exampleShape,
                                 layers: [.flatten, .dense(units: options.hidden), .relu, .dense(units: 2 * options.latent)],
                                 initializer: .glorotUniform, seed: options.seed)
        decoder = try Sequential(inputShape: [options.latent],
                                 layers: [.dense(units: options.hidden), .relu, .dense(units: size), .reshape(exampleShape)],
                                 initializer: .glorotUniform, seed: SplitMix64.mix(options.seed &+ 1))
        generator = Xoshiro256StarStar(seed: options.seed, stream: 2)
    }

    /// Trains on `windows` (their labels are not used); reports each epoch's mean loss per window.
    public func train(on windows: LabelledWindows, progress: ((_ epoch: Int, _ epochs: Int, _ loss: Float) -> Void)? = nil) throws {
        guard windows.exampleShape == exampleShape, windows.count > 0 else {
            throw LearnError.data("the VAE needs windows of \(exampleShape), got \(windows.count) of \(windows.exampleShape)")
        }
        let size = windows.exampleSize
        let optimizer = Adam(parameters: encoder.parameters + decoder.parameters, learningRate: options.learningRate)
        var order = Array(0..<windows.count)
        var batchInputs = [Float](repeating: 0, count: options.batchSize * size)
        for epoch in 0..<options.epochs {
            shuffle(&order, using: &generator)
            var total = 0.0
            var first = 0
            while first < order.count {
                let batch = min(options.batchSize, order.count - first)
                for (slot, w) in order[first..<(first + batch)].enumerated() {
                    for j in 0..<size { batchInputs[slot * size + j] = windows.inputs[w * size + j] }
                }
                let noise = (0..<(batch * options.latent)).map { _ in Float(generator.nextNormal()) }
                let loss = try batchInputs.withUnsafeBufferPointer {
                    try lossAndGradients(UnsafeBufferPointer(rebasing: $0[0..<(batch * size)]), batch: batch, noise: noise)
                }
                optimizer.step()
                total += Double(loss) * Double(batch)
                first += batch
            }
            progress?(epoch, options.epochs, Float(total / Double(order.count)))
        }
    }

    /// The mean negative ELBO of a batch for the given ε (batch × latent), leaving its gradient in every encoder
    /// and decoder parameter.
    func lossAndGradients(_ inputs: UnsafeBufferPointer<Float>, batch: Int, noise: [Float]) throws -> Float {
        let latent = options.latent, size = decoder.outputCount
        let moments = Array(encoder.forward(inputs, batch: batch, training: true))
        var z = [Float](repeating: 0, count: batch * latent)
        var kl: Float = 0
        for b in 0..<batch {
            for j in 0..<latent {
                let (mu, logVariance) = (moments[b * 2 * latent + j], moments[b * 2 * latent + latent + j])
                z[b * latent + j] = mu + FloatMath.exp(0.5 * logVariance) * noise[b * latent + j]
                kl += 0.5 * (mu * mu + FloatMath.exp(logVariance) - 1 - logVariance)
            }
        }
        let reconstruction = z.withUnsafeBufferPointer { Array(decoder.forward($0, batch: batch, training: true)) }
        let scale = 1 / Float(batch)
        var squares: Float = 0
        var outputGradient = [Float](repeating: 0, count: batch * size)
        for i in 0..<(batch * size) {
            let d = reconstruction[i] - inputs[i]
            squares += d * d
            outputGradient[i] = d / options.reconstructionVariance * scale
        }
        let loss = (squares / (2 * options.reconstructionVariance) + kl) * scale
        guard loss.isFinite else { throw LearnError.diverged("VAE loss \(loss); lower the learning rate") }
        let zGradient = outputGradient.withUnsafeBufferPointer {
            Array(decoder.backward($0, batch: batch, inputGradient: true)!)
        }
        // ∂/∂μ = ∂L/∂z + μ/B; ∂/∂log σ² = ∂L/∂z · ε · ½σ + ½(σ² − 1)/B.
        var momentGradient = [Float](repeating: 0, count: batch * 2 * latent)
        for b in 0..<batch {
            for j in 0..<latent {
                let (mu, logVariance) = (moments[b * 2 * latent + j], moments[b * 2 * latent + latent + j])
                let dz = zGradient[b * latent + j]
                momentGradient[b * 2 * latent + j] = dz + mu * scale
                momentGradient[b * 2 * latent + latent + j] = dz * noise[b * latent + j] * 0.5 * FloatMath.exp(0.5 * logVariance)
                    + 0.5 * (FloatMath.exp(logVariance) - 1) * scale
            }
        }
        momentGradient.withUnsafeBufferPointer { _ = encoder.backward($0, batch: batch) }
        return loss
    }

    /// `count` windows decoded from z ~ N(0, I), labelled by the teacher's softmax (their target class is the
    /// teacher's most probable class), as a stimulus set. `balanced` keeps drawing (up to `maximumDraws` × count
    /// windows) until every class the teacher names has count / classes of them, as the synthesizer aims at
    /// classes evenly; slots a rare class leaves empty by then go to the other classes' windows in drawing order.
    public func sample(_ count: Int, teacher: Student, balanced: Bool = true, maximumDraws: Int = 20) throws -> StimulusSet {
        guard count > 0, maximumDraws > 0 else {
            throw LearnError.parameter("the VAE samples at least 1 window with at least 1 draw each, not \(count), \(maximumDraws)")
        }
        guard teacher.inputShape.reduce(1, *) == decoder.outputCount else {
            throw LearnError.data("the teacher takes \(teacher.inputShape), the VAE makes \(exampleShape)")
        }
        let (size, classes) = (decoder.outputCount, teacher.classes)
        var set = StimulusSet(exampleShape: exampleShape, classes: classes)
        var spare = StimulusSet(exampleShape: exampleShape, classes: classes)
        var perClass = [Int](repeating: 0, count: classes)
        let quota = balanced ? (count + classes - 1) / classes : count
        var drawn = 0
        while set.count < count && drawn < maximumDraws * count {
            let batch = min(count, maximumDraws * count - drawn)
            let z = (0..<(batch * options.latent)).map { _ in Float(generator.nextNormal()) }
            let windows = decoder.predict(z)
            let soft = try teacher.probabilities(windows)
            for (i, c) in argmaxRows(soft, classes: classes).enumerated() {
                let (window, probabilities) = (windows[(i * size)..<((i + 1) * size)], soft[(i * classes)..<((i + 1) * classes)])
                if perClass[c] < quota && set.count < count {
                    perClass[c] += 1
                    set.append(window: window, soft: probabilities, target: c)
                } else if spare.count < count {
                    spare.append(window: window, soft: probabilities, target: c)
                }
            }
            drawn += batch
        }
        for i in 0..<max(0, min(count - set.count, spare.count)) {
            set.append(window: spare.inputs[(i * size)..<((i + 1) * size)],
                       soft: spare.softLabels[(i * classes)..<((i + 1) * classes)], target: spare.targetClasses[i])
        }
        return set
    }
}

private extension StimulusSet {
    mutating func append(window: ArraySlice<Float>, soft: ArraySlice<Float>, target: Int) {
        inputs += window
        softLabels += soft
        targetClasses.append(target)
    }
}
