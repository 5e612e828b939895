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
        initialize(initializer, seed: seed)
    }

    /// Threads a batch's convolutions are spread over. Examples are independent, so outputs and input
    /// gradients are the same bits for any count; weight gradients add per-thread parts, so a model is
    /// reproducible for a given count.
    public var threads = 1 {
        didSet {
            precondition(threads >= 1, "threads must be at least 1")
            for case let layer as ThreadedLayer in layers { layer.threads = threads }
            // Scratch depends on the split: the next forward pass sizes it again.
            capacity = 0
        }
    }

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
        guard batch > capacity else { return }
        capacity = batch
        let counts = [inputCount] + layers.map(\.outputCount)
        activations = counts.map { FloatBuffer(count: $0 * batch) }
        if !gradients.isEmpty { gradients = counts.map { FloatBuffer(count: $0 * batch) } }
        scratch = FloatBuffer(count: layers.map { $0.scratchCount(batch: batch) }.max() ?? 0)
    }

    /// Floats this network holds for a batch: activations and scratch, and gradients when `training`
    /// (4 bytes each).
    public func workingSetCount(batch: Int, training: Bool = false) -> Int {
        let counts = [inputCount] + layers.map(\.outputCount)
        return (training ? 2 : 1) * counts.reduce(0, +) * batch + (layers.map { $0.scratchCount(batch: batch) }.max() ?? 0)
    }

    /// Floats held right now in activation, gradient and scratch buffers.
    var allocatedCount: Int {
        (activations + gradients).reduce(0) { $0 + $1.count } + scratch.count
    }

    /// Outputs (logits, for a classifier) of `batch` examples laid out one after another.
    @discardableResult
    public func forward(_ input: UnsafeBufferPointer<Float>, batch: Int, training: Bool = false)
        -> UnsafeBufferPointer<Float> {
        precondition(batch > 0 && input.count == batch * inputCount, "forward needs batch × \(inputShape) inputs")
        reserve(batch: batch)
        _ = activations[0].prefix(input.count).update(fromContentsOf: input)
        let work = scratch.pointer
        for (index, layer) in layers.enumerated() {
            layer.forward(activations[index].prefix(batch * layer.inputCount).readOnly,
                          into: activations[index + 1].prefix(batch * layer.outputCount),
                          batch: batch, training: training, scratch: work)
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
        if gradients.isEmpty { gradients = activations.map { FloatBuffer(count: $0.count) } }
        _ = gradients[layers.count].prefix(outputGradient.count).update(fromContentsOf: outputGradient)
        // Below the first layer with parameters nothing more is needed unless the input gradient is.
        let lowest = inputGradient ? 0 : (layers.firstIndex { !$0.parameters.isEmpty } ?? layers.count)
        let work = scratch.pointer
        for index in stride(from: layers.count - 1, through: lowest, by: -1) {
            let layer = layers[index]
            let needsInputGradient = index > lowest || inputGradient
            layer.backward(input: activations[index].prefix(batch * layer.inputCount).readOnly,
                           output: activations[index + 1].prefix(batch * layer.outputCount).readOnly,
                           outputGradient: gradients[index + 1].prefix(batch * layer.outputCount).readOnly,
                           inputGradient: needsInputGradient ? gradients[index].prefix(batch * layer.inputCount) : nil,
                           batch: batch, parameterGradients: parameterGradients, scratch: work)
        }
        return inputGradient ? gradients[0].prefix(batch * inputCount).readOnly : nil
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
