/// The night store's tables, versioned through `PRAGMA user_version`.
///
/// `migrations[v]` takes a database from version `v` to `v + 1`; a new file starts at 0 and runs them all, a file
/// written by an older stim runs the rest, each step in the same transaction as the version bump. Add a version
/// by appending a step: never edit a step that has shipped.
enum NightStoreSchema {
    static let migrations: [String] = [
        // 0 → 1: one row per minute. The primary key makes a repeated (night, minute) a no-op under INSERT OR
        // IGNORE, so a daemon restarted mid-night can replay its last minutes without duplicating them.
        // apnea_probability and apnea are NULL for unscored minutes; signal is little-endian float32.
        """
        CREATE TABLE minutes (
            night TEXT NOT NULL,
            minute INTEGER NOT NULL CHECK (minute >= 0),
            start REAL NOT NULL,
            quality TEXT NOT NULL,
            apnea_probability REAL,
            apnea INTEGER CHECK (apnea IN (0, 1)),
            signal BLOB NOT NULL,
            PRIMARY KEY (night, minute)
        ) WITHOUT ROWID;
        """,
    ]

    static var version: Int { migrations.count }
}
