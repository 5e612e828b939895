/// Where the daemon keeps the minutes of a night, so that a restart resumes it: every stored minute is kept
/// exactly once, and `lastMinute` says where the night stands.
public protocol MinuteSink: AnyObject {
    /// The latest minute stored for this night, or nil for a new night.
    func lastMinute() throws -> ScoredMinute?
    /// Stores a minute; a minute already stored is ignored.
    func store(_ minute: ScoredMinute) throws
}
