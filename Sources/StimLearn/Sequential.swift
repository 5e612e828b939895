import StimKernels

/// A feed-forward network: layers applied one after another to batches of examples.
///
/// The network owns every activation and gradient buffer, sized for the largest batch seen so far, plus
/// one scratch buffer the layers share, so repeated steps at one batch size allocate nothing. Buffers
/// returned by `forward` and `backward` stay valid until the next call.
public final class Sequential {
    public let inputShape: [Int]
    public let layers: [any NetworkLayer]
    public let parameters: [Parameter]
    private(set) var capacity = 0
    /// activations[0] is the input, activations[i + 1] the output of layers[i]; gradients likewise.
    private var activations: [FloatBuffer] = []
    private var gradients: [FloatBuffer] = []
    private var scratch = FloatBuffer(count: 0)

    /// Builds the layers in order, each for the shape the one before produces, and initializes them.
    public init(inputShape: [Int], layers specs: [LayerSpec], initializer: Initializer = .heUniform, seed: UInt64 = 0)
        throws {
        guard !inputShape.isEmpty, valueCount(inputShape) != nil else {
            throw LearnError.shape("network input shape must have sizes in 1...\(maximumSize), got \(inputShape)")
        }
        guard !specs.isEmpty else { throw LearnError.shape("a network needs at least one layer") }
        var built: [any NetworkLayer] = []
        var shape = inputShape
        for (index, spec) in specs.enumerated() {
            do {
                let layer = try spec.makeLayer(inputShape: shape, seed: SplitMix64.mix(seed &+ UInt64(index)))
                built.append(layer)
                shape = layer.outputShape
            } catch LearnError.shape(let message) {
                throw LearnError.shape("layer \(index + 1) (\(spec)): \(message)")
            }
        }
        ProcessorKernels.install()
        self.inputShape = inputShape
        layers = built
        parameters = built.flatMap(\.parameters)
        ownTargets = built.map { $0.parameters.map(\.gradient.pointer) }
        initialize(initializer, seed: seed)
    }

    /// Threads a batch is spread over: each takes a run of examples through every layer that treats examples
    /// apart (all but batch normalization and dropout in training), so a step forks once per pass rather than
    /// once per layer. Outputs and input gradients are the same bits for any count; weight gradients add
    /// per-thread parts, so a model is reproducible for a given count.
    public var threads = 1 {
        didSet {
            precondition(threads >= 1, "threads must be at least 1")
            // Scratch and per-thread gradients depend on the split: the next forward pass sizes them again.
            capacity = 0
            scratchBatch = 0
        }
    }

    /// Examples below which a thread's run is not worth a thread (waking one costs microseconds). Runs this
    /// long also keep each layer's arithmetic the same whatever the split: a dense layer multiplies rows
    /// differently below a 6-row tile.
    static let minimumRun = 8

    func split(batch: Int) -> BatchSplit { BatchSplit(batch: batch, threads: threads, minimumRun: Self.minimumRun) }

    /// Each layer's parameters' own gradient buffers, where the first thread (or the only one) writes.
    private let ownTargets: [[UnsafeMutableBufferPointer<Float>]]
    /// Per thread past the first: one buffer holding a gradient per parameter (`partTargets`, grouped by layer).
    /// Each gradient starts on a cache line of its own and the buffer is padded at both ends, so no two threads
    /// write one cache line (a bias gradient beside another thread's slowed a 2-thread step by half).
    private var partGradients: [FloatBuffer] = []
    private var partTargets: [[[UnsafeMutableBufferPointer<Float>]]] = []
    /// The batch the scratch was last checked against.
    private var scratchBatch = 0
    /// Whether the last forward pass trained (which layers a backward pass may split).
    private var trained = false

    public var outputShape: [Int] { layers[layers.count - 1].outputShape }
    public var inputCount: Int { inputShape.reduce(1, *) }
    public var outputCount: Int { outputShape.reduce(1, *) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    public var specs: [LayerSpec] { layers.map(\.spec) }

    /// Draws fresh weights in place (biases 0, normalization back to identity, dropout masks restarted):
    /// the same seed gives the same network.
    public func initialize(_ initializer: Initializer, seed: UInt64) {
        var generator = Xoshiro256StarStar(seed: seed)
        for (index, layer) in layers.enumerated() {
            for parameter in layer.parameters where parameter.decays {
                initializer.fill(parameter, using: &generator)
            }
            for parameter in layer.parameters where !parameter.decays { parameter.value.fill(0) }
            (layer as? BatchNormLayer)?.resetStatistics()
            (layer as? DropoutLayer)?.reseed(SplitMix64.mix(seed &+ UInt64(index)))
        }
    }

    /// Grows the buffers to hold `batch` examples (a no-op once they do). Gradient buffers come with the
    /// first backward pass, so a network that only infers never holds them.
    public func reserve(batch: Int) {
        guard batch > capacity else {
            if batch != scratchBatch {
                // A smaller batch may split into fewer, longer runs than the capacity's, with more scratch each.
                scratchBatch = batch
                let needed = scratchCount(batch: batch)
                if needed > scratch.count { scratch = FloatBuffer(count: needed) }
            }
            return
        }
        capacity = batch
        scratchBatch = batch
        let counts = [inputCount] + layers.map(\.outputCount)
        activations = counts.map { FloatBuffer(count: $0 * batch) }
        if !gradients.isEmpty {
            gradients = counts.map { FloatBuffer(count: $0 * batch) }
            makePartGradients(batch: batch)
        }
        scratch = FloatBuffer(count: scratchCount(batch: batch))
    }

    /// Scratch for a batch: each thread's share for its run, or one layer's for the whole batch where that
    /// layer cannot split.
    private func scratchCount(batch: Int) -> Int {
        let split = split(batch: batch)
        let perPart = split.parts == 1 ? 0 : layers.map { $0.scratchCount(batch: split.chunk) }.max() ?? 0
        let whole = layers.filter { split.parts == 1 || !$0.isExampleWise(training: true) }
            .map { $0.scratchCount(batch: batch) }.max() ?? 0
        return max(split.parts * perPart, whole)
    }

    /// Floats in a cache line: where each per-thread gradient starts, and the padding around them.
    private static let lineFloats = 16

    /// `count` floats rounded up to whole cache lines.
    private static func wholeLines(_ count: Int) -> Int { (count + lineFloats - 1) / lineFloats * lineFloats }

    private var partGradientCount: Int {
        parameters.reduce(2 * Self.lineFloats) { $0 + Self.wholeLines($1.count) }
    }

    private func makePartGradients(batch: Int) {
        let parts = split(batch: batch).parts
        partGradients = (1..<max(parts, 1)).map { _ in FloatBuffer(count: partGradientCount) }
        partTargets = partGradients.map { buffer in
            var next = Self.lineFloats
            return layers.map { layer in
                layer.parameters.map { parameter in
                    defer { next += Self.wholeLines(parameter.count) }
                    return buffer.pointer.slice(next, parameter.count)
                }
            }
        }
    }

    /// Floats this network holds for a batch: activations and scratch, and gradients when `training`
    /// (4 bytes each).
    public func workingSetCount(batch: Int, training: Bool = false) -> Int {
        let counts = [inputCount] + layers.map(\.outputCount)
        let threadGradients = training ? (split(batch: batch).parts - 1) * partGradientCount : 0
        return (training ? 2 : 1) * counts.reduce(0, +) * batch + scratchCount(batch: batch) + threadGradients
    }

    /// Floats held right now in activation, gradient, per-thread gradient and scratch buffers.
    var allocatedCount: Int {
        (activations + gradients + partGradients).reduce(0) { $0 + $1.count } + scratch.count
    }

    /// Outputs (logits, for a classifier) of `batch` examples laid out one after another.
    @discardableResult
    public func forward(_ input: UnsafeBufferPointer<Float>, batch: Int, training: Bool = false)
        -> UnsafeBufferPointer<Float> {
        precondition(batch > 0 && input.count == batch * inputCount, "forward needs batch × \(inputShape) inputs")
        reserve(batch: batch)
        trained = training
        _ = activations[0].prefix(input.count).update(fromContentsOf: input)
        forEachStage(from: 0, through: layers.count - 1, batch: batch, training: training) { index, _, examples, work in
            let layer = layers[index]
            layer.forward(activations[index].slice(examples, layer.inputCount).readOnly,
                          into: activations[index + 1].slice(examples, layer.outputCount),
                          batch: examples.count, training: training, scratch: work)
        }
        return activations[layers.count].prefix(batch * outputCount).readOnly
    }

    /// Back-propagates ∂L/∂output of the last `forward` (same batch): overwrites every parameter's
    /// gradient when `parameterGradients`, and returns ∂L/∂input when `inputGradient` (a generator
    /// trained through a frozen network needs that and none of the frozen network's own gradients).
    @discardableResult
    public func backward(_ outputGradient: UnsafeBufferPointer<Float>, batch: Int, inputGradient: Bool = false,
                         parameterGradients: Bool = true) -> UnsafeBufferPointer<Float>? {
        precondition(batch > 0 && batch <= capacity && outputGradient.count == batch * outputCount,
                     "backward needs the batch of the last forward and batch × \(outputShape) gradients")
        if gradients.isEmpty {
            gradients = activations.map { FloatBuffer(count: $0.count) }
            makePartGradients(batch: capacity)
        }
        _ = gradients[layers.count].prefix(outputGradient.count).update(fromContentsOf: outputGradient)
        // Below the first layer with parameters nothing more is needed unless the input gradient is.
        let lowest = inputGradient ? 0 : (layers.firstIndex { !$0.parameters.isEmpty } ?? layers.count)
        guard lowest < layers.count else { return nil }
        forEachStage(from: lowest, through: layers.count - 1, batch: batch, training: trained, reversed: true) {
            index, part, examples, work in
            let layer = layers[index]
            let targets = part == 0 ? ownTargets[index] : partTargets[part - 1][index]
            layer.backward(input: activations[index].slice(examples, layer.inputCount).readOnly,
                           output: activations[index + 1].slice(examples, layer.outputCount).readOnly,
                           outputGradient: gradients[index + 1].slice(examples, layer.outputCount).readOnly,
                           inputGradient: index > lowest || inputGradient
                               ? gradients[index].slice(examples, layer.inputCount) : nil,
                           batch: examples.count, parameterGradients: parameterGradients ? targets : nil, scratch: work)
        }
        let split = split(batch: batch)
        if parameterGradients && split.parts > 1 {
            // The other threads' parts, added in thread order (the same sums for a given thread count), for the
            // layers that were split.
            for index in lowest..<layers.count where layers[index].isExampleWise(training: trained) {
                for (own, target) in ownTargets[index].enumerated() {
                    for part in 1..<split.parts {
                        Elementwise.Optimized.axpy(1, partTargets[part - 1][index][own].readOnly, target)
                    }
                }
            }
        }
        return inputGradient ? gradients[0].prefix(batch * inputCount).readOnly : nil
    }

    /// Runs body(layer index, thread, examples, scratch) for layers first...last (downwards when `reversed`): a
    /// run of layers that treat examples apart goes to the threads at once, each taking its examples through
    /// every layer of the run with its own share of the scratch; any other layer takes the whole batch on this
    /// thread (thread 0).
    private func forEachStage(from first: Int, through last: Int, batch: Int, training: Bool, reversed: Bool = false,
                              _ body: (Int, Int, Range<Int>, UnsafeMutableBufferPointer<Float>) -> Void) {
        let split = split(batch: batch), count = last - first + 1
        func layerIndex(_ position: Int) -> Int { reversed ? last - position : first + position }
        var start = 0
        while start < count {
            var end = start
            while split.parts > 1, end < count, layers[layerIndex(end)].isExampleWise(training: training) { end += 1 }
            if end == start {
                body(layerIndex(start), 0, 0..<batch, scratch.pointer)
                start += 1
                continue
            }
            let stage = start..<end, share = scratch.count / split.parts
            split.run { part in
                for position in stage {
                    body(layerIndex(position), part, split.examples(part), scratch.pointer.slice(part * share, share))
                }
            }
            start = end
        }
    }

    /// activation(0) is the last forward pass's input, activation(i) the output of layer i (1-based).
    public func activation(_ index: Int, batch: Int) -> UnsafeBufferPointer<Float> {
        let count = index == 0 ? inputCount : layers[index - 1].outputCount
        return activations[index].prefix(batch * count).readOnly
    }

    /// Outputs for any number of examples, `batchSize` at a time, in inference mode.
    public func predict(_ inputs: [Float], batchSize: Int = 64) -> [Float] {
        precondition(inputs.count % inputCount == 0, "predict needs whole examples of \(inputShape)")
        let count = inputs.count / inputCount
        var outputs = [Float](repeating: 0, count: count * outputCount)
        inputs.withUnsafeBufferPointer { all in
            var start = 0
            while start < count {
                let batch = min(batchSize, count - start)
                let result = forward(all.slice(start * inputCount, batch * inputCount), batch: batch)
                for i in 0..<result.count { outputs[start * outputCount + i] = result[i] }
                start += batch
            }
        }
        return outputs
    }

    /// Every parameter's values, for keeping the best epoch's weights.
    public func snapshot() -> [[Float]] { parameters.map(\.value.array) }

    public func restore(_ snapshot: [[Float]]) {
        precondition(snapshot.count == parameters.count, "snapshot of another network")
        for (parameter, values) in zip(parameters, snapshot) {
            values.withUnsafeBufferPointer { parameter.value.copy(from: $0) }
        }
    }
}
