/// What stops the runtime: a model it cannot score live, or input it cannot use. The message says what and why.
public enum RuntimeError: Error, Equatable, CustomStringConvertible {
    /// The model file asks for something live scoring cannot do (a non-causal normalization, mixed rates, …).
    case model(String)
    /// Samples or parameters that do not fit (wrong channel count, a rate with no whole samples per minute, …).
    case input(String)
    /// The store of scored minutes failed (disk full, a damaged database, …).
    case store(String)

    public var description: String {
        switch self {
        case .model(let message): return "model: \(message)"
        case .input(let message): return "input: \(message)"
        case .store(let message): return "store: \(message)"
        }
    }
}
