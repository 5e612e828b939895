import CSQLite

/// A prepared statement of one connection, reset after each use; errors become `NightStoreError`s.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    private let path: String

    init(_ sql: String, connection: OpaquePointer, path: String) throws {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw NightStoreError.sqlite(code, path: path, doing: "preparing a query",
                                         detail: String(cString: sqlite3_errmsg(connection)))
        }
        (handle, self.connection, self.path) = (statement, connection, path)
    }

    deinit { sqlite3_finalize(handle) }

    /// A value to bind; `nil` binds NULL.
    enum Value {
        case text(String), integer(Int64), real(Double), blob([UInt8]), null
    }

    /// Binds `values` to the statement's parameters in order, then steps it to the end, handing each row to `row`.
    func run(_ values: [Value], doing: String, row: (SQLiteRow) throws -> Void = { _ in }) throws {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            let code: Int32
            switch value {
            case .text(let text): code = sqlite3_bind_text(handle, position, text, -1, SQLITE_TRANSIENT)
            case .integer(let integer): code = sqlite3_bind_int64(handle, position, integer)
            case .real(let real): code = sqlite3_bind_double(handle, position, real)
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { sqlite3_bind_blob(handle, position, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
            case .null: code = sqlite3_bind_null(handle, position)
            }
            try check(code, doing: doing)
        }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { return try check(code, doing: doing) }
            try row(SQLiteRow(handle: handle))
        }
    }

    private func check(_ code: Int32, doing: String) throws {
        guard code != SQLITE_OK else { return }
        throw NightStoreError.sqlite(code, path: path, doing: doing, detail: String(cString: sqlite3_errmsg(connection)))
    }
}

/// The current row of a stepping statement.
struct SQLiteRow {
    let handle: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func real(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    func text(_ column: Int32) -> String {
        sqlite3_column_text(handle, column).map { String(cString: $0) } ?? ""
    }
    func blob(_ column: Int32) -> [UInt8] {
        // The pointer first, then its size, as SQLite documents.
        guard let bytes = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}

/// SQLite copies bound text and blobs before the call returns (the C macro SQLITE_TRANSIENT, not importable).
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
