/// One two-class problem of a multi-class SVM: examples of the positive class (y = +1) and of the negative
/// class (y = −1), each with its upper bound Cᵢ = C × class weight × example weight.
public struct BinarySvmProblem: Sendable {
    public var features: Int
    /// count × features, row-major.
    public var values: [Float]
    /// +1 or −1 per example.
    public var y: [Float]
    public var upperBounds: [Double]

    public var count: Int { y.count }
}

/// A trained two-class machine: decision value f(x) > 0 means the positive class.
public enum BinaryMachine: Sendable {
    /// f(x) = Σᵢ coefficientᵢ K(xᵢ, x) − ρ over the problem's examples (coefficientᵢ = αᵢyᵢ, zero for
    /// examples that are not support vectors).
    case expansion(coefficients: [Double], rho: Double)
    /// f(x) = w·x + b.
    case linear(weight: [Float], bias: Float)
}

/// What the multi-class layer needs of a binary solver: the kernel SMO solver here, and a linear solver
/// (weights and a bias) can plug in the same way.
public protocol BinarySvmTrainer: Sendable {
    func train(_ problem: BinarySvmProblem) throws -> BinaryMachine
}
