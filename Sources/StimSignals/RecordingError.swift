/// A recording that cannot be read as it is: names the file, where in it, and what is wrong.
public struct RecordingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// Byte offset (binary files) or line number (text files), when one applies.
    public var location: Location?
    public var problem: String

    public enum Location: Sendable, Equatable {
        case offset(Int)
        case line(Int)
    }

    public init(file: String, location: Location? = nil, problem: String) {
        self.file = file
        self.location = location
        self.problem = problem
    }

    public var description: String {
        switch location {
        case .offset(let o)?: return "\(file): at byte \(o): \(problem)"
        case .line(let l)?: return "\(file):\(l): \(problem)"
        case nil: return "\(file): \(problem)"
        }
    }
}
