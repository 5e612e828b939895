/// What can go wrong building, training or converting a network; the message names the layer or value.
public enum LearnError: Error, Equatable, CustomStringConvertible {
    /// A layer does not fit the shape it is given (wrong rank, kernel larger than the input, …).
    case shape(String)
    /// Training data that cannot be used: wrong sizes, NaN or infinite values, no examples.
    case data(String)
    /// A model file's network that this engine cannot run.
    case unsupported(String)
    /// Training produced a NaN or infinite loss (learning rate too high, or bad data).
    case diverged(String)
    /// A training parameter outside its range (C ≤ 0, gamma ≤ 0, a tolerance ≤ 0, a budget below 1, …).
    case parameter(String)

    public var description: String {
        switch self {
        case .shape(let message): return "shape: \(message)"
        case .data(let message): return "training data: \(message)"
        case .unsupported(let message): return "unsupported: \(message)"
        case .diverged(let message): return "training diverged: \(message)"
        case .parameter(let message): return "parameter: \(message)"
        }
    }
}

extension LearnError {
    /// Throws `.data` naming the first row (of `rowSize` values) that holds a NaN or an infinity:
    /// "example 3 holds a non-finite value (nan)", with `row` in place of "example".
    public static func requireFinite(_ values: [Float], rowSize: Int, row: String = "example") throws {
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw LearnError.data("\(row) \(bad / max(rowSize, 1)) holds a non-finite value (\(values[bad]))")
        }
    }
}
