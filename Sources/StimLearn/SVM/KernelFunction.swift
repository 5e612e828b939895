import StimFormats
import StimKernels

extension SvmKernel {
    /// K(a, b) from the dot product a·b and the squared norms ‖a‖², ‖b‖² (only RBF needs them: ‖a − b‖² =
    /// ‖a‖² + ‖b‖² − 2a·b, clamped at 0 because rounding can make it slightly negative for near-equal vectors).
    @inline(__always)
    func value(dot: Float, squaredNormA: Float, squaredNormB: Float) -> Float {
        switch kind {
        case .linear:
            return dot
        case .polynomial:
            return power(gamma * dot + coef0, degree)
        case .rbf:
            return FloatMath.exp(-gamma * max(squaredNormA + squaredNormB - 2 * dot, 0))
        case .sigmoid:
            return FloatMath.tanh(gamma * dot + coef0)
        }
    }

    /// Whether K needs the squared norms of its arguments.
    var needsNorms: Bool { kind == .rbf }

    /// Checks the parameters a kernel of this kind uses: a positive finite gamma (all but linear), a degree of
    /// at least 1 (polynomial) and a finite coef0.
    func validate() throws {
        if kind != .linear {
            guard gamma > 0, gamma.isFinite else {
                throw LearnError.parameter("the \(kind) kernel needs a positive finite gamma, not \(gamma)")
            }
        }
        guard coef0.isFinite else { throw LearnError.parameter("coef0 must be finite, not \(coef0)") }
        if kind == .polynomial, degree < 1 {
            throw LearnError.parameter("the polynomial kernel needs a degree of at least 1, not \(degree)")
        }
    }

    /// scikit-learn's gamma = 'scale': 1 / (features × variance of all feature values), or 1 when the
    /// values are constant.
    public static func scaleGamma(features: [Float], featureCount: Int) -> Float {
        guard !features.isEmpty, featureCount > 0 else { return 1 }
        var sum = 0.0, sumOfSquares = 0.0
        for v in features {
            sum += Double(v)
            sumOfSquares += Double(v) * Double(v)
        }
        let n = Double(features.count), mean = sum / n
        let variance = sumOfSquares / n - mean * mean
        return variance > 0 ? Float(1 / (Double(featureCount) * variance)) : 1
    }
}

/// xⁿ by repeated squaring, as LIBSVM's powi (n ≥ 1).
@inline(__always)
private func power(_ x: Float, _ n: Int) -> Float {
    var result: Float = 1, base = x, e = n
    while e > 0 {
        if e & 1 == 1 { result *= base }
        base *= base
        e >>= 1
    }
    return result
}
