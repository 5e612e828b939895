/// Activation functions and their gradients, element by element. Backward kernels take the upstream
/// gradient and write the gradient with respect to the activation's input; sigmoid and tanh take their
/// forward *output*, which is what the derivative is cheapest in. Output may alias an input.
public enum Activation {
    public static func relu(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        Elementwise.checkCounts(x.count, x.count, out.count)
        // Eight lanes at a time with a select (no branch to mispredict on the sign), the same value per element.
        Elementwise.Optimized.lanes(x, x, out) { v, _ in v.replacing(with: 0, where: .!(v .> 0)) } scalar: { v, _ in
            v > 0 ? v : 0
        }
    }

    /// Gradient 1 where x > 0, else 0 (the subgradient at 0 is taken as 0).
    public static func reluBackward(_ x: UnsafeBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                    into out: UnsafeMutableBufferPointer<Float>) {
        Elementwise.checkCounts(x.count, gradient.count, out.count)
        Elementwise.Optimized.lanes(x, gradient, out) { v, g in g.replacing(with: 0, where: .!(v .> 0)) } scalar: {
            v, g in v > 0 ? g : 0
        }
    }

    /// x for x > 0, slope · x otherwise.
    public static func leakyRelu(_ x: UnsafeBufferPointer<Float>, slope: Float,
                                 into out: UnsafeMutableBufferPointer<Float>) {
        Elementwise.checkCounts(x.count, x.count, out.count)
        for i in 0..<out.count { out[i] = x[i] > 0 ? x[i] : slope * x[i] }
    }

    public static func leakyReluBackward(_ x: UnsafeBufferPointer<Float>, slope: Float,
                                         gradient: UnsafeBufferPointer<Float>,
                                         into out: UnsafeMutableBufferPointer<Float>) {
        Elementwise.checkCounts(x.count, gradient.count, out.count)
        for i in 0..<out.count { out[i] = x[i] > 0 ? gradient[i] : slope * gradient[i] }
    }

    public static func sigmoid(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        Elementwise.checkCounts(x.count, x.count, out.count)
        for i in 0..<out.count { out[i] = FloatMath.sigmoid(x[i]) }
    }

    /// σ′ = y(1 − y) with y = σ(x), the forward output.
    public static func sigmoidBackward(_ y: UnsafeBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                       into out: UnsafeMutableBufferPointer<Float>) {
        Elementwise.checkCounts(y.count, gradient.count, out.count)
        for i in 0..<out.count { out[i] = gradient[i] * (y[i] * (1 - y[i])) }
    }

    public static func tanh(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        Elementwise.checkCounts(x.count, x.count, out.count)
        for i in 0..<out.count { out[i] = FloatMath.tanh(x[i]) }
    }

    /// tanh′ = 1 − y² with y = tanh(x), the forward output.
    public static func tanhBackward(_ y: UnsafeBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                    into out: UnsafeMutableBufferPointer<Float>) {
        Elementwise.checkCounts(y.count, gradient.count, out.count)
        for i in 0..<out.count { out[i] = gradient[i] * (1 - y[i] * y[i]) }
    }
}
