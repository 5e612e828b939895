/// One night of a `NightStore` as the daemon's `MinuteSink`.
public final class NightStoreSink: MinuteSink {
    public let store: NightStore
    public let night: String

    public init(store: NightStore, night: String) {
        self.store = store
        self.night = night
    }

    public func lastMinute() throws -> ScoredMinute? { try store.lastMinute(night: night) }

    public func store(_ minute: ScoredMinute) throws { try store.append(minute, night: night) }
}
