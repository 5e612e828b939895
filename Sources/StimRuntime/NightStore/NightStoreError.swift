import CSQLite

/// What went wrong with a night store; the message names the file, what was being done and SQLite's code.
public struct NightStoreError: Error, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The file or its folder cannot be opened or created (SQLITE_CANTOPEN, SQLITE_PERM).
        case cannotOpen
        /// The file is not a SQLite database, or its pages are damaged (SQLITE_NOTADB, SQLITE_CORRUPT).
        case corrupt
        /// Another process held the database past the busy timeout (SQLITE_BUSY, SQLITE_LOCKED).
        case locked
        /// The disk (or the process's file-size limit in SQLite's accounting) is full (SQLITE_FULL).
        case diskFull
        /// The operating system failed a read, write or sync (SQLITE_IOERR and its extended codes).
        case io
        /// The file or its folder is read-only (SQLITE_READONLY).
        case readOnly
        /// The file was written by a newer stim whose schema this one does not know.
        case newerSchema
        /// A minute that cannot be stored: empty night name, negative index, non-finite or out-of-range values.
        case invalidMinute
        /// Any other SQLite failure; the message carries its code.
        case other
    }

    public var kind: Kind
    public var path: String
    public var message: String

    public init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String { "night store \(path): \(message)" }

    /// The error for SQLite result `code` met while `doing` something, with SQLite's own words.
    static func sqlite(_ code: Int32, path: String, doing: String, detail: String) -> NightStoreError {
        let name = String(cString: sqlite3_errstr(code))
        let kind: Kind
        let advice: String
        switch code & 0xff {
        case SQLITE_CANTOPEN, SQLITE_PERM:
            (kind, advice) = (.cannotOpen, "check that the folder exists and is writable by this user")
        case SQLITE_NOTADB, SQLITE_CORRUPT:
            (kind, advice) = (.corrupt, "the file is not a stim night store or is damaged; move it aside and start a new one")
        case SQLITE_BUSY, SQLITE_LOCKED:
            (kind, advice) = (.locked, "another process holds the database; stop it or retry")
        case SQLITE_FULL:
            (kind, advice) = (.diskFull, "SQLITE_FULL: the disk is full; free space, committed minutes are kept")
        case SQLITE_IOERR:
            (kind, advice) = (.io, "SQLITE_IOERR (extended code \(code)): the storage failed; check the disk")
        case SQLITE_READONLY:
            (kind, advice) = (.readOnly, "the database or its folder is read-only for this user")
        default:
            (kind, advice) = (.other, "SQLite code \(code)")
        }
        return NightStoreError(kind, path: path, "\(doing): \(detail.isEmpty ? name : detail) (\(advice))")
    }
}
