import CSQLite
import Foundation

/// Every scored minute of every night, in one SQLite file (the system library, WAL journal).
///
/// Durability: each `append` is its own transaction, committed with `synchronous=FULL`, so the WAL is synced
/// before `append` returns. A minute that `append` returned for survives a kill -9 of the daemon (NORMAL would
/// suffice for that) *and* a power cut (NORMAL could roll back the last minutes): a Pi's plug is the likelier
/// failure, and one sync a minute costs nothing. Readers (`stim report`) work beside a writing daemon: WAL lets
/// them read the last committed state while it appends.
///
/// Thread-safe: every use of the connection holds `lock`.
public final class NightStore: @unchecked Sendable {
    public let path: String
    private let connection: OpaquePointer
    private let lock = NSLock()
    private let insert, last, all, distinctNights: SQLiteStatement

    /// Opens the store at `path`, creating it or migrating an older schema; WAL journal, synchronous=FULL.
    public init(path: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            let detail = handle.map { String(cString: sqlite3_errmsg($0)) } ?? ""
            sqlite3_close_v2(handle)
            throw NightStoreError.sqlite(code, path: path, doing: "opening", detail: detail)
        }
        do {
            sqlite3_extended_result_codes(handle, 1)
            // A reader's snapshot or a checkpoint can hold the write lock briefly; wait for it rather than fail.
            sqlite3_busy_timeout(handle, 5000)
            try Self.configure(handle, path: path)
            try Self.migrate(handle, path: path)
            insert = try SQLiteStatement("INSERT OR IGNORE INTO minutes VALUES (?, ?, ?, ?, ?, ?, ?)",
                                         connection: handle, path: path)
            last = try SQLiteStatement("SELECT * FROM minutes WHERE night = ? ORDER BY minute DESC LIMIT 1",
                                       connection: handle, path: path)
            all = try SQLiteStatement("SELECT * FROM minutes WHERE night = ? ORDER BY minute", connection: handle, path: path)
            distinctNights = try SQLiteStatement("SELECT DISTINCT night FROM minutes ORDER BY night",
                                                 connection: handle, path: path)
        } catch {
            sqlite3_close_v2(handle)
            throw error
        }
        (self.path, connection) = (path, handle)
    }

    deinit {
        // close_v2 waits for the statements, finalized as the properties go after this.
        sqlite3_close_v2(connection)
    }

    /// Stores one minute of `night`; a minute already stored for that night is left as it was.
    public func append(_ minute: ScoredMinute, night: String) throws {
        try validate(minute, night: night)
        let probability = minute.apneaProbability.map { SQLiteStatement.Value.real(Double($0)) } ?? .null
        let apnea = minute.apnea.map { SQLiteStatement.Value.integer($0 ? 1 : 0) } ?? .null
        let signal = minute.signal.flatMap { sample in
            withUnsafeBytes(of: sample.bitPattern.littleEndian) { Array($0) }
        }
        try locked {
            try insert.run([.text(night), .integer(Int64(minute.minute)), .real(minute.start), .text(minute.quality.rawValue),
                            probability, apnea, .blob(signal)],
                           doing: "appending minute \(minute.minute) of night \(night)")
        }
    }

    /// The latest minute stored for `night` (the one a restarted daemon resumes after), or nil for a new night.
    public func lastMinute(night: String) throws -> ScoredMinute? {
        try locked { try read(last, night: night).first }
    }

    /// Every stored minute of `night`, in order.
    public func minutes(night: String) throws -> [ScoredMinute] {
        try locked { try read(all, night: night) }
    }

    /// The names of the nights with at least one minute, in order.
    public func nights() throws -> [String] {
        try locked {
            var names: [String] = []
            try distinctNights.run([], doing: "listing nights") { names.append($0.text(0)) }
            return names
        }
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func read(_ statement: SQLiteStatement, night: String) throws -> [ScoredMinute] {
        var minutes: [ScoredMinute] = []
        try statement.run([.text(night)], doing: "reading night \(night)") { row in
            minutes.append(try decode(row))
        }
        return minutes
    }

    /// A row of `minutes` (columns in table order) as a ScoredMinute.
    private func decode(_ row: SQLiteRow) throws -> ScoredMinute {
        let index = Int(row.integer(1))
        func corrupt(_ what: String) -> NightStoreError {
            NightStoreError(.corrupt, path: path, "minute \(index) of night \(row.text(0)): \(what)")
        }
        let raw = row.text(3)
        guard let quality = SignalQuality(rawValue: raw) else { throw corrupt("unknown quality '\(raw)'") }
        let bytes = row.blob(6)
        guard bytes.count % 4 == 0 else { throw corrupt("signal of \(bytes.count) bytes is not float32 samples") }
        let signal = bytes.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count, by: 4).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0, as: UInt32.self)))
            }
        }
        return ScoredMinute(minute: index, start: row.real(2), quality: quality,
                            apneaProbability: row.isNull(4) ? nil : Float(row.real(4)),
                            apnea: row.isNull(5) ? nil : row.integer(5) != 0, signal: signal)
    }

    private func validate(_ minute: ScoredMinute, night: String) throws {
        func invalid(_ why: String) -> NightStoreError {
            NightStoreError(.invalidMinute, path: path, "minute \(minute.minute) of night '\(night)': \(why)")
        }
        guard !night.isEmpty else { throw invalid("the night needs a name") }
        guard minute.minute >= 0 else { throw invalid("the minute index is negative") }
        guard minute.start.isFinite else { throw invalid("its start time is \(minute.start)") }
        guard (minute.apneaProbability == nil) == (minute.apnea == nil) else {
            throw invalid("a scored minute has both a probability and a label, an unscored one neither")
        }
        if let probability = minute.apneaProbability, !(0...1).contains(probability) {
            throw invalid("its apnea probability \(probability) is not in [0, 1]")
        }
    }

    /// WAL journal and full syncs (see the type's comment); a file that is not a database fails here.
    private static func configure(_ connection: OpaquePointer, path: String) throws {
        var mode = ""
        try SQLiteStatement("PRAGMA journal_mode = WAL", connection: connection, path: path)
            .run([], doing: "switching to WAL") { mode = $0.text(0) }
        guard mode == "wal" else {
            throw NightStoreError(.other, path: path, "switching to WAL: SQLite kept journal mode '\(mode)'")
        }
        try SQLiteStatement("PRAGMA synchronous = FULL", connection: connection, path: path).run([], doing: "setting synchronous")
    }

    /// Brings the schema to `NightStoreSchema.version` in one transaction; refuses a newer file.
    private static func migrate(_ connection: OpaquePointer, path: String) throws {
        func execute(_ sql: String, doing: String) throws {
            try SQLiteStatement(sql, connection: connection, path: path).run([], doing: doing)
        }
        func version() throws -> Int {
            var version = 0
            try SQLiteStatement("PRAGMA user_version", connection: connection, path: path)
                .run([], doing: "reading the schema version") { version = Int($0.integer(0)) }
            guard version <= NightStoreSchema.version else {
                throw NightStoreError(.newerSchema, path: path,
                                      "schema version \(version) is newer than this stim's \(NightStoreSchema.version); update stim")
            }
            return version
        }
        guard try version() < NightStoreSchema.version else { return }
        // IMMEDIATE takes the write lock first, so two processes opening a new file migrate it once.
        try execute("BEGIN IMMEDIATE", doing: "starting the schema migration")
        do {
            let from = try version()
            for (step, sql) in NightStoreSchema.migrations.enumerated().dropFirst(from) {
                try execute(sql, doing: "migrating the schema from version \(step) to \(step + 1)")
            }
            try execute("PRAGMA user_version = \(NightStoreSchema.version)", doing: "recording the schema version")
            try execute("COMMIT", doing: "committing the schema migration")
        } catch {
            try? execute("ROLLBACK", doing: "rolling back the schema migration")
            throw error
        }
    }
}
