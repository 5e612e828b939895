import StimKernels
import StimLearn

/// Activation maximization through a generator (Nikolaidis et al. 2021, after the method's reference code): for each
/// stimulus pick a class cl with stimuli still to make and a threshold T, draw noise z, and take Adam steps on the
/// generator's weights against the cross-entropy of cl and the frozen teacher's output on G(z), until
/// softmax_cl(teacher(G(z))) > T. An accepted stimulus is labelled with the teacher's whole softmax and the generator
/// trains on into the next one, except every `freshGeneratorEvery` stimuli; after `maxSteps` failed steps the
/// generator starts again from fresh weights.
///
/// With anonymization, each step is followed by one on the cross-entropy between the identity network's posterior on
/// G(z) and the target distribution over persons (scaled by the weight), and a stimulus must also have
/// KL(target ‖ posterior) ≤ the bound. Attempt a draws its class, threshold, noise and any fresh weights from its own
/// stream of the seed, so a run is the same for a seed however often it is stopped and resumed.
///
/// Generic over example shapes: the teacher, generator and identity network are any `Sequential`s that fit.
public final class StimulusSynthesizer {
    public let settings: SynthesisSettings
    public let teacher: Sequential
    public let generator: Sequential
    public let identity: Sequential?
    /// One distribution over persons per class (rows all equal for the marginal).
    public let identityTargets: [[Float]]
    public private(set) var stimuli: StimulusSet
    public private(set) var log = SynthesisLog()
    public private(set) var timing = SynthesisTiming()
    private let optimizer: Adam
    private let quotas: [Int]
    private var acceptedPerClass: [Int]
    /// Set when a run stops mid-attempt: the generator then holds weights of no attempt boundary.
    private var interrupted = false

    public var classes: Int { teacher.outputCount }

    public init(teacher: Sequential, generatorLayers: [LayerSpec], identity: Sequential? = nil,
                identityTargets: [[Float]] = [], settings: SynthesisSettings) throws {
        let classes = teacher.outputCount
        guard teacher.outputShape.count == 1, classes >= 2 else {
            throw ExportError.parameter("the teacher must output scores of at least 2 classes, not \(teacher.outputShape)")
        }
        try settings.validate(classes: classes)
        let generator = try Sequential(inputShape: [settings.noiseDimension], layers: generatorLayers,
                                       seed: Self.generatorSeed(settings.seed))
        guard generator.outputShape == teacher.inputShape else {
            throw ExportError.parameter("the generator makes \(generator.outputShape), the teacher reads \(teacher.inputShape)")
        }
        if settings.anonymization != nil {
            guard let identity else { throw ExportError.parameter("anonymization needs an identity network") }
            guard identity.inputShape == teacher.inputShape, identity.outputShape.count == 1 else {
                throw ExportError.parameter("the identity network reads \(identity.inputShape) and outputs "
                                            + "\(identity.outputShape); it must read \(teacher.inputShape) and output scores")
            }
            guard identityTargets.count == classes, identityTargets.allSatisfy({ row in
                row.count == identity.outputCount && row.allSatisfy { $0 >= 0 && $0.isFinite }
                    && abs(row.reduce(0, +) - 1) < 1e-3
            }) else {
                throw ExportError.parameter("anonymization needs one distribution over the \(identity.outputCount) "
                                            + "persons per class (\(classes))")
            }
        }
        self.settings = settings
        self.teacher = teacher
        self.generator = generator
        self.identity = settings.anonymization == nil ? nil : identity
        self.identityTargets = identityTargets
        optimizer = Adam(parameters: generator.parameters, learningRate: settings.learningRate)
        quotas = settings.quotas(classes: classes)
        acceptedPerClass = Array(repeating: 0, count: classes)
        stimuli = StimulusSet(exampleShape: teacher.inputShape, classes: classes)
    }

    static func generatorSeed(_ seed: UInt64) -> UInt64 { SplitMix64.mix(seed ^ 0x47_454E) }

    public var isComplete: Bool { stimuli.count >= settings.count }

    /// The state at the last attempt boundary, from which `restore` goes on identically. Call it from the `accepted`
    /// callback or after `run` returns.
    public func checkpoint() throws -> SynthesisCheckpoint {
        guard !interrupted else {
            throw ExportError.journal("the synthesis stopped mid-attempt: restore a checkpoint taken earlier")
        }
        return SynthesisCheckpoint(log: log, generator: generator.snapshot(), optimizer: optimizer.state)
    }

    /// Continues from `checkpoint`, with the stimuli accepted up to it.
    public func restore(_ checkpoint: SynthesisCheckpoint, stimuli accepted: StimulusSet) throws {
        guard accepted.exampleShape == stimuli.exampleShape, accepted.classes == classes,
              accepted.count == checkpoint.log.acceptedCount,
              accepted.targetClasses.allSatisfy({ (0..<classes).contains($0) }),
              checkpoint.generator.map(\.count) == generator.parameters.map(\.count) else {
            throw ExportError.journal("the checkpoint (\(checkpoint.log.acceptedCount) stimuli) does not fit these "
                                      + "\(accepted.count) stimuli, networks or settings")
        }
        generator.restore(checkpoint.generator)
        try optimizer.restore(checkpoint.optimizer)
        log = checkpoint.log
        stimuli = accepted
        acceptedPerClass = Array(repeating: 0, count: classes)
        for k in accepted.targetClasses { acceptedPerClass[k] += 1 }
        interrupted = false
    }

    /// Synthesizes until `settings.count` stimuli exist. Calls `accepted` with each new stimulus's index (throwing
    /// from it stops the run), `progress` at most every `progressInterval`, and checks `isCancelled` before every
    /// step. Returns false when cancelled; the synthesizer then goes on only from a `restore`.
    @discardableResult
    public func run(progress: ((SynthesisProgress) -> Void)? = nil, progressInterval: Duration = .milliseconds(500),
                    isCancelled: () -> Bool = { false }, accepted: ((Int) throws -> Void)? = nil) throws -> Bool {
        guard !interrupted else {
            throw ExportError.journal("the synthesis stopped mid-attempt: restore a checkpoint before running again")
        }
        let clock = ContinuousClock()
        let start = clock.now
        var lastReport = start
        let acceptedAtStart = stimuli.count
        func report(force: Bool) {
            guard let progress else { return }
            let now = clock.now
            guard force || now - lastReport >= progressInterval else { return }
            lastReport = now
            let elapsed = now - start
            let made = stimuli.count - acceptedAtStart
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let rate = seconds > 0 ? Double(made) / seconds : 0
            progress(SynthesisProgress(accepted: stimuli.count, failed: log.failedCount,
                                       target: settings.count, elapsed: elapsed, rate: rate,
                                       remaining: rate > 0 ? .seconds(Double(settings.count - stimuli.count) / rate) : nil))
        }
        var failuresInARow = 0
        var buffers = StepBuffers(noise: settings.noiseDimension, classes: classes, persons: identity?.outputCount ?? 0)
        while !isComplete {
            guard let attempt = try synthesizeOne(&buffers, isCancelled: isCancelled) else {
                interrupted = true
                report(force: true)
                return false
            }
            log.attempts.append(attempt)
            failuresInARow = attempt.accepted ? 0 : failuresInARow + 1
            if attempt.accepted { try accepted?(stimuli.count - 1) }
            if failuresInARow >= settings.maxConsecutiveFailures {
                report(force: true)
                throw ExportError.data("\(failuresInARow) attempts in a row failed (\(stimuli.count) stimuli accepted): "
                                       + "lower the thresholds, allow more steps or raise the KL bound")
            }
            report(force: false)
        }
        report(force: true)
        return true
    }

    /// Scratch of one attempt, allocated once per run.
    private struct StepBuffers {
        var noise: [Float]
        var oneHot: [Float]
        var teacherGradient: [Float]
        var probabilities: [Float]
        var posterior: [Float]
        var identityGradient: [Float]

        init(noise: Int, classes: Int, persons: Int) {
            self.noise = Array(repeating: 0, count: noise)
            oneHot = Array(repeating: 0, count: classes)
            teacherGradient = oneHot
            probabilities = oneHot
            posterior = Array(repeating: 0, count: persons)
            identityGradient = posterior
        }
    }

    /// One attempt: the log line (the stimulus, when accepted, is appended), or nil when cancelled.
    private func synthesizeOne(_ b: inout StepBuffers, isCancelled: () -> Bool) throws -> SynthesisLog.Attempt? {
        var random = Xoshiro256StarStar(seed: settings.seed, stream: UInt64(log.attempts.count))
        let open = (0..<classes).filter { acceptedPerClass[$0] < quotas[$0] }
        let target = open[random.nextInt(in: 0..<open.count)]
        let threshold = settings.thresholdMin == settings.thresholdMax ? settings.thresholdMin
            : settings.thresholdMin + (settings.thresholdMax - settings.thresholdMin) * random.nextFloat()
        for i in 0..<b.noise.count { b.noise[i] = Float(random.nextNormal()) }
        let freshSeed = random.next()
        // Every `freshGeneratorEvery` stimuli the generator starts afresh, so no single lineage makes them all.
        if let every = settings.freshGeneratorEvery, log.attempts.last?.accepted == true, stimuli.count % every == 0 {
            restartGenerator(seed: freshSeed)
        }
        for k in 0..<classes { b.oneHot[k] = k == target ? 1 : 0 }
        let identityTarget = identity == nil ? [] : identityTargets[target]
        let weight = settings.anonymization?.weight ?? 0
        let bound = settings.anonymization?.klBound ?? .infinity
        let clock = ContinuousClock()

        for step in 0...settings.maxSteps {
            if isCancelled() { return nil }
            var mark = clock.now
            func lap(_ part: WritableKeyPath<SynthesisTiming, Duration>) {
                let now = clock.now
                timing[keyPath: part] += now - mark
                mark = now
            }
            let stimulus = b.noise.withUnsafeBufferPointer { generator.forward($0, batch: 1, training: true) }
            lap(\.generator)
            let logits = teacher.forward(stimulus, batch: 1)
            softmax(logits, into: &b.probabilities)
            lap(\.teacher)
            var kl: Float?
            if let identity {
                softmax(identity.forward(stimulus, batch: 1), into: &b.posterior)
                kl = divergence(identityTarget, b.posterior)
                lap(\.identity)
            }
            let confidence = b.probabilities[target]
            if confidence > threshold && (kl ?? 0) <= bound {
                stimuli.inputs.append(contentsOf: stimulus)
                stimuli.softLabels.append(contentsOf: b.probabilities)
                stimuli.targetClasses.append(target)
                acceptedPerClass[target] += 1
                return SynthesisLog.Attempt(targetClass: target, threshold: threshold, steps: step, accepted: true,
                                            confidence: confidence, kl: kl)
            }
            if step == settings.maxSteps {
                restartGenerator(seed: freshSeed)
                return SynthesisLog.Attempt(targetClass: target, threshold: threshold, steps: step, accepted: false,
                                            confidence: confidence, kl: kl)
            }
            timing.steps += 1
            // Cross-entropy of the target class: ∂/∂logits = softmax − one-hot.
            for k in 0..<classes { b.teacherGradient[k] = b.probabilities[k] - b.oneHot[k] }
            let stimulusGradient = b.teacherGradient.withUnsafeBufferPointer {
                teacher.backward($0, batch: 1, inputGradient: true, parameterGradients: false)!
            }
            lap(\.teacher)
            generator.backward(stimulusGradient, batch: 1)
            lap(\.generator)
            optimizer.step()
            lap(\.optimizer)
            if let identity, weight > 0 {
                let moved = b.noise.withUnsafeBufferPointer { generator.forward($0, batch: 1, training: true) }
                lap(\.generator)
                softmax(identity.forward(moved, batch: 1), into: &b.posterior)
                for p in 0..<b.posterior.count { b.identityGradient[p] = weight * (b.posterior[p] - identityTarget[p]) }
                let gradient = b.identityGradient.withUnsafeBufferPointer {
                    identity.backward($0, batch: 1, inputGradient: true, parameterGradients: false)!
                }
                lap(\.identity)
                generator.backward(gradient, batch: 1)
                lap(\.generator)
                optimizer.step()
                lap(\.optimizer)
            }
        }
        return nil  // not reached: the last step returns
    }

    /// Fresh generator weights and a fresh optimizer: the next step starts a new lineage.
    private func restartGenerator(seed: UInt64) {
        generator.initialize(.heUniform, seed: seed)
        optimizer.reset()
    }

    private func softmax(_ logits: UnsafeBufferPointer<Float>, into out: inout [Float]) {
        out.withUnsafeMutableBufferPointer { Softmax.softmax(logits, into: $0, rows: 1, columns: logits.count) }
    }
}

/// KL(target ‖ posterior) in nats; persons the target gives no weight add nothing, a posterior of 0 where the target
/// has weight counts as the smallest normal float.
func divergence(_ target: [Float], _ posterior: [Float]) -> Float {
    var total: Float = 0
    for (t, q) in zip(target, posterior) where t > 0 {
        total += t * (FloatMath.log(t) - FloatMath.log(max(q, .leastNormalMagnitude)))
    }
    return total
}
