/// What stops an export: unusable recordings or settings, or a journal that belongs to another run.
public enum ExportError: Error, Equatable, CustomStringConvertible {
    /// Recordings or windows that cannot train a teacher: none, one class, nothing left after the hold-out.
    case data(String)
    /// A setting outside its range.
    case parameter(String)
    /// A stop/resume journal or checkpoint that is damaged or was written with other settings.
    case journal(String)

    public var description: String {
        switch self {
        case .data(let message): return "export data: \(message)"
        case .parameter(let message): return "export setting: \(message)"
        case .journal(let message): return "export journal: \(message)"
        }
    }
}
