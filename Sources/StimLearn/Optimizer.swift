import CStimVector
import StimKernels

/// Updates a fixed list of parameters from the gradients the last backward pass left in them.
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
    var learningRate: Float { get set }
    func step()
}

/// SGD with (optionally Nesterov) momentum; weight decay as an L2 term added to the gradient.
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    private let velocity: [FloatBuffer]

    public init(parameters: [Parameter], learningRate: Float = 0.01, momentum: Float = 0.9, nesterov: Bool = false,
                weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        velocity = parameters.map { FloatBuffer(count: $0.count) }
    }

    public func step() {
        for (parameter, v) in zip(parameters, velocity) {
            let decay = parameter.decays ? weightDecay : 0
            let (w, g) = (parameter.value.pointer, parameter.gradient.pointer)
            for i in 0..<w.count {
                let gradient = g[i] + decay * w[i]
                v[i] = momentum * v[i] + gradient
                w[i] -= learningRate * (nesterov ? gradient + momentum * v[i] : v[i])
            }
        }
    }
}

/// Adam (Kingma & Ba 2015) with bias correction; weight decay decoupled from the gradient as in AdamW
/// (Loshchilov & Hutter 2019), applied to weights only.
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    private let firstMoment: [FloatBuffer]
    private let secondMoment: [FloatBuffer]
    private var steps = 0
    private var beta1Power: Float = 1
    private var beta2Power: Float = 1
    /// Threads the update is spread over when there are at least `Adam.elementsPerThread` parameters per
    /// thread. The update is element by element, so the result is the same bits with any number of threads.
    public var threads = 1
    /// Below this many parameters per thread, handing work to another thread costs more than it saves.
    static let elementsPerThread = 65_536

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoment = parameters.map { FloatBuffer(count: $0.count) }
        secondMoment = parameters.map { FloatBuffer(count: $0.count) }
    }

    public func step() {
        steps += 1
        beta1Power *= beta1
        beta2Power *= beta2
        let stepSize = learningRate / (1 - beta1Power)
        let correction2 = 1 / (1 - beta2Power)
        let total = parameters.reduce(0) { $0 + $1.count }
        // Square roots and divisions bound the update, so it scales with cores: each thread takes an equal
        // share of all parameters laid end to end (shares start at multiples of 8, whole vectors).
        let split = BatchSplit(batch: (total + 7) / 8, threads: min(threads, max(1, total / Self.elementsPerThread)))
        split.run { part in
            let vectors = split.examples(part)
            update(elements: (vectors.lowerBound * 8)..<min(total, vectors.upperBound * 8),
                   stepSize: stepSize, correction2: correction2)
        }
    }

    /// Everything a later `step()` depends on besides the parameters: saved with a generator's weights, it lets an
    /// interrupted run go on exactly where it stopped.
    public struct State: Sendable, Equatable {
        public var steps: Int
        public var beta1Power: Float
        public var beta2Power: Float
        public var firstMoment: [[Float]]
        public var secondMoment: [[Float]]

        public init(steps: Int, beta1Power: Float, beta2Power: Float, firstMoment: [[Float]], secondMoment: [[Float]]) {
            self.steps = steps
            self.beta1Power = beta1Power
            self.beta2Power = beta2Power
            self.firstMoment = firstMoment
            self.secondMoment = secondMoment
        }
    }

    public var state: State {
        State(steps: steps, beta1Power: beta1Power, beta2Power: beta2Power, firstMoment: firstMoment.map(\.array),
              secondMoment: secondMoment.map(\.array))
    }

    /// Takes up a saved state; it must come from an optimizer over parameters of the same sizes.
    public func restore(_ state: State) throws {
        let counts = parameters.map(\.count)
        guard state.firstMoment.map(\.count) == counts, state.secondMoment.map(\.count) == counts, state.steps >= 0 else {
            throw LearnError.shape("an Adam state for parameters of \(state.firstMoment.map(\.count)) values, not \(counts)")
        }
        steps = state.steps
        beta1Power = state.beta1Power
        beta2Power = state.beta2Power
        for (buffer, values) in zip(firstMoment + secondMoment, state.firstMoment + state.secondMoment) {
            values.withUnsafeBufferPointer { buffer.copy(from: $0) }
        }
    }

    /// Back to the state of a new optimizer: no steps, zero moments.
    public func reset() {
        steps = 0
        beta1Power = 1
        beta2Power = 1
        for buffer in firstMoment + secondMoment { buffer.fill(0) }
    }

    /// Updates the elements `elements` of all the parameters laid end to end.
    private func update(elements: Range<Int>, stepSize: Float, correction2: Float) {
        var start = 0
        for (index, parameter) in parameters.enumerated() {
            let lower = max(start, elements.lowerBound), upper = min(start + parameter.count, elements.upperBound)
            if lower < upper {
                let offset = lower - start
                let (w, g) = (parameter.value.pointer, parameter.gradient.pointer)
                let (m, v) = (firstMoment[index].pointer, secondMoment[index].pointer)
                let decay = parameter.decays ? learningRate * weightDecay : 0
                stim_adam_update(w.baseAddress! + offset, g.baseAddress! + offset, m.baseAddress! + offset,
                                 v.baseAddress! + offset, upper - lower, beta1, beta2, stepSize, correction2, epsilon,
                                 decay)
            }
            start += parameter.count
        }
    }
}

/// Scales all gradients together so their global L2 norm is at most `maxNorm`; returns the norm before.
@discardableResult
public func clipGradients(_ parameters: [Parameter], maxNorm: Float) -> Float {
    var squares: Float = 0
    for parameter in parameters { squares += Reduction.Optimized.sumOfSquares(parameter.gradient.readOnly) }
    let norm = squares.squareRoot()
    if norm > maxNorm {
        let factor = maxNorm / norm
        for parameter in parameters { Elementwise.Optimized.scale(factor, parameter.gradient.pointer) }
    }
    return norm
}
