/// One layer of a `Sequential` network, working on batches of examples laid out one after another
/// (each example row-major in `inputShape`, channels first).
///
/// The network owns the activations and hands each layer its input, its output and a shared scratch
/// buffer of `scratchCount(batch:)` floats, so a training step allocates nothing.
public protocol NetworkLayer: AnyObject {
    /// Shape of one example going in, e.g. [channels, length].
    var inputShape: [Int] { get }
    /// Shape of one example coming out.
    var outputShape: [Int] { get }
    var parameters: [Parameter] { get }
    /// The layer as the model file stores it (and how `Sequential` is rebuilt from one).
    var spec: LayerSpec { get }

    /// Floats of shared scratch that forward and backward need at this batch size.
    func scratchCount(batch: Int) -> Int

    /// Whether each example's output (and input gradient) depends on that example alone, so a batch can be
    /// cut into runs of examples computed apart: true but for batch statistics and dropout masks in training.
    func isExampleWise(training: Bool) -> Bool

    /// Writes output for `batch` examples; `training` turns on dropout and batch statistics.
    func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, batch: Int,
                 training: Bool, scratch: UnsafeMutableBufferPointer<Float>)

    /// From ∂L/∂output (and the forward input and output) writes ∂L/∂input when `inputGradient` is given,
    /// and, when `parameterGradients` is given (one buffer per parameter, in `parameters` order, each the
    /// parameter's size), overwrites those buffers with the parameters' gradients over this batch. A network
    /// spreading a batch over threads hands each thread's run of examples buffers of its own and adds them up.
    func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                  outputGradient: UnsafeBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                  batch: Int, parameterGradients: [UnsafeMutableBufferPointer<Float>]?,
                  scratch: UnsafeMutableBufferPointer<Float>)
}

extension NetworkLayer {
    public var parameters: [Parameter] { [] }
    public func scratchCount(batch: Int) -> Int { 0 }
    public func isExampleWise(training: Bool) -> Bool { true }
    public var inputCount: Int { inputShape.reduce(1, *) }
    public var outputCount: Int { outputShape.reduce(1, *) }
}
