internal import CSQLite
import Foundation

/// One SQLite connection.
///
/// `@unchecked Sendable`: SQLite is opened with `SQLITE_OPEN_NOMUTEX`, so the connection must not
/// be used by two threads at once; `Database` only touches it while holding its lock.
final class SQLiteConnection: @unchecked Sendable {
    let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]
    /// The last audit event written in the open transaction, so appending does not read it back
    /// each time; nil outside a transaction (another process may have appended).
    var auditHead: AuditHead?

    init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw DatabaseError(code: code, message: "cannot open database '\(path)': \(message)")
        }
        sqlite3_extended_result_codes(handle, 1)
        self.handle = handle
    }

    deinit {
        statements.removeAll()  // finalize before closing
        sqlite3_close_v2(handle)
    }

    func configure(busyTimeout: Int32) throws {
        sqlite3_busy_timeout(handle, busyTimeout)
        let mode = try pragma("journal_mode = WAL")
        // An in-memory database answers "memory"; a file must really be in WAL mode.
        guard mode == "wal" || mode == "memory" else {
            throw DatabaseError(code: SQLITE_ERROR, message: "the database refused WAL mode (journal_mode is '\(mode)')")
        }
        _ = try pragma("synchronous = FULL")
        // 64 MiB of page cache instead of SQLite's 2 MiB: imports look up every result and task by
        // index, and a state-sized database is gigabytes.
        _ = try pragma("cache_size = -65536")
        _ = try pragma("foreign_keys = ON")
        guard try pragma("foreign_keys") == "1" else {
            throw DatabaseError(code: SQLITE_ERROR, message: "this SQLite cannot enforce foreign keys")
        }
    }

    /// Runs a pragma and returns its first value as text.
    func pragma(_ text: String) throws -> String {
        let statement = try SQLiteStatement(connection: self, sql: "PRAGMA \(text)")
        defer { statement.reset() }
        guard try statement.step() else { return "" }
        return statement.row().values.first.flatMap { value -> String? in
            switch value {
            case .text(let text): text
            case .integer(let number): String(number)
            default: nil
            }
        } ?? ""
    }

    /// Runs several statements with no arguments (migrations).
    func executeScript(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw DatabaseError(code: code, message: text, sql: sql)
        }
    }

    func cachedStatement(_ sql: String) throws -> SQLiteStatement {
        if let statement = statements[sql] { return statement }
        let statement = try SQLiteStatement(connection: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    func inTransaction<T>(immediate: Bool, _ body: () throws -> T) throws -> T {
        try executeScript(immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
        auditHead = nil
        defer { auditHead = nil }
        do {
            let result = try body()
            try executeScript("COMMIT")
            return result
        } catch {
            try? executeScript("ROLLBACK")
            throw error
        }
    }

    var changes: Int { Int(sqlite3_changes(handle)) }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    func error(_ code: Int32, sql: String?) -> DatabaseError {
        DatabaseError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}
