/// What stops the report's evaluation: inputs that do not fit together or cannot be evaluated.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    /// Empty sets, a single class or person where several are needed, shapes that differ.
    case data(String)
    /// An evaluation setting outside its range.
    case parameter(String)

    public var description: String {
        switch self {
        case .data(let message): return "report data: \(message)"
        case .parameter(let message): return "report parameter: \(message)"
        }
    }
}
