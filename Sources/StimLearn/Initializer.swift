import StimKernels

/// How weights are drawn. Fans follow PyTorch: fanIn = shape[1] · receptive field, fanOut = shape[0] ·
/// receptive field (for a transposed convolution's [in, out, k…] weight that makes fanIn the filters).
public enum Initializer: String, Sendable, CaseIterable {
    /// U(±√(6 / fanIn)): He et al. 2015, for ReLU networks.
    case heUniform
    /// N(0, 2 / fanIn).
    case heNormal
    /// U(±√(6 / (fanIn + fanOut))): Glorot & Bengio 2010, for tanh/sigmoid networks.
    case glorotUniform
    /// N(0, 2 / (fanIn + fanOut)).
    case glorotNormal

    func fill(_ parameter: Parameter, using generator: inout Xoshiro256StarStar) {
        let shape = parameter.shape
        let receptive = shape.dropFirst(2).reduce(1, *)
        let fanIn = Double((shape.count > 1 ? shape[1] : 1) * receptive)
        let fanOut = Double(shape[0] * receptive)
        let variance: Double
        switch self {
        case .heUniform, .heNormal: variance = 2 / fanIn
        case .glorotUniform, .glorotNormal: variance = 2 / (fanIn + fanOut)
        }
        let values = parameter.value.pointer
        switch self {
        case .heUniform, .glorotUniform:
            // U(±b) has variance b²/3.
            let bound = (3 * variance).squareRoot()
            for i in 0..<values.count { values[i] = Float(generator.nextDouble(in: -bound..<bound)) }
        case .heNormal, .glorotNormal:
            let deviation = variance.squareRoot()
            for i in 0..<values.count { values[i] = Float(generator.nextNormal() * deviation) }
        }
    }
}
