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
        for (index, parameter) in parameters.enumerated() {
            let (w, g) = (parameter.value.pointer, parameter.gradient.pointer)
            let (m, v) = (firstMoment[index].pointer, secondMoment[index].pointer)
            let decay = parameter.decays ? learningRate * weightDecay : 0
            Self.update(w, g, m, v, beta1: beta1, beta2: beta2, stepSize: stepSize, correction2: correction2,
                        epsilon: epsilon, decay: decay)
        }
    }

    /// One parameter's update, eight lanes at a time (square roots and divisions dominate, and vectorize)
    /// and a scalar tail: the same operations per element in the same order, so the lanes change nothing.
    @inline(__always)
    static func update(_ w: UnsafeMutableBufferPointer<Float>, _ g: UnsafeMutableBufferPointer<Float>,
                       _ m: UnsafeMutableBufferPointer<Float>, _ v: UnsafeMutableBufferPointer<Float>,
                       beta1: Float, beta2: Float, stepSize: Float, correction2: Float, epsilon: Float, decay: Float) {
        guard let wp = w.baseAddress, let gp = g.baseAddress, let mp = m.baseAddress, let vp = v.baseAddress else { return }
        let (rest1, rest2) = (1 - beta1, 1 - beta2)
        let count = w.count
        typealias Lanes = SIMD8<Float>
        func load(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> Lanes { UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self) }
        func store(_ x: Lanes, _ p: UnsafeMutablePointer<Float>, _ i: Int) { UnsafeMutableRawPointer(p + i).storeBytes(of: x, as: Lanes.self) }
        var i = 0
        while i + 8 <= count {
            let gi = load(gp, i), wi = load(wp, i)
            let mi = beta1 * load(mp, i) + rest1 * gi
            let vi = beta2 * load(vp, i) + rest2 * gi * gi
            store(mi, mp, i)
            store(vi, vp, i)
            store(wi - (stepSize * mi / ((vi * correction2).squareRoot() + epsilon) + decay * wi), wp, i)
            i += 8
        }
        while i < count {
            mp[i] = beta1 * mp[i] + rest1 * gp[i]
            vp[i] = beta2 * vp[i] + rest2 * gp[i] * gp[i]
            wp[i] -= stepSize * mp[i] / ((vp[i] * correction2).squareRoot() + epsilon) + decay * wp[i]
            i += 1
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
