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

    public init(features: Int, values: [Float], y: [Float], upperBounds: [Double]) {
        self.features = features
        self.values = values
        self.y = y
        self.upperBounds = upperBounds
    }

    /// Checks what a solver relies on: whole finite examples, ±1 labels of both signs, positive finite bounds.
    func validate() throws {
        guard features >= 1, !y.isEmpty, values.count == y.count * features else {
            throw LearnError.shape("\(values.count) values are not \(y.count) examples of \(features) features")
        }
        guard upperBounds.count == y.count else {
            throw LearnError.shape("\(upperBounds.count) upper bounds for \(y.count) examples")
        }
        try LearnError.requireFinite(values, rowSize: features)
        guard y.allSatisfy({ $0 == 1 || $0 == -1 }) else { throw LearnError.data("binary labels must be +1 or −1") }
        guard y.contains(1), y.contains(-1) else {
            throw LearnError.data("all \(y.count) examples are of one class: a binary machine needs both")
        }
        if let bad = upperBounds.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw LearnError.parameter("example \(bad) has upper bound \(upperBounds[bad]); bounds must be positive and finite")
        }
    }
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
