internal import CSQLite
import Foundation

/// A SQLite database file: WAL journal, foreign keys enforced, a busy timeout, and the schema
/// migrated to the newest version on open.
///
/// The connection is used under a lock, so one `Database` may be shared between threads; every
/// write runs in `write { }`, one `BEGIN IMMEDIATE` transaction that commits whole or not at all.
public final class Database: Sendable {
    /// The file's path.
    public let path: String
    private let connection: Connection
    // Recursive, so a nested call fails with SQLite's "transaction within a transaction" error
    // instead of deadlocking.
    private let lock = NSRecursiveLock()

    /// Opens (creating if needed) a database file and migrates its schema.
    /// - Parameter busyTimeout: how long to wait for another process's write lock, in milliseconds.
    public init(path: String, busyTimeout: Int32 = 10_000, migrations: [Migration] = Schema.migrations) throws {
        self.path = path
        let connection = try Connection(path: path)
        try connection.configure(busyTimeout: busyTimeout)
        try Self.restrictToOwner(path)
        try Migrator(migrations: migrations).migrate(connection)
        self.connection = connection
    }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`): committed when it returns,
    /// rolled back when it throws, so a failure leaves the database as it was.
    public func write<T>(_ body: (Transaction) throws -> T) throws -> T {
        try locked { try $0.inTransaction(immediate: true) { try body(Transaction(connection: connection)) } }
    }

    /// Runs `body` in one read transaction: a consistent snapshot.
    public func read<T>(_ body: (Transaction) throws -> T) throws -> T {
        try locked { try $0.inTransaction(immediate: false) { try body(Transaction(connection: connection)) } }
    }

    /// The schema version recorded in the database.
    public func schemaVersion() throws -> Int {
        try read { try $0.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int ?? 0 }
    }

    /// The journal mode SQLite reports (`wal` for a file database).
    public func journalMode() throws -> String {
        try locked { try $0.pragma("journal_mode") }
    }

    /// The database and its WAL and shared-memory files hold student data: readable by their
    /// owner only. A file made with a looser mode (another tool, an older umask) is tightened.
    private static func restrictToOwner(_ path: String) throws {
        guard path != ":memory:", !path.hasPrefix("file:") else { return }
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            guard stat(file, &info) == 0, info.st_mode & 0o077 != 0 else { continue }
            guard chmod(file, info.st_mode & 0o700) == 0 else {
                throw DatabaseError(
                    code: 1,
                    message: "'\(file)' is readable by other users (mode \(String(info.st_mode & 0o777, radix: 8))) and cannot be "
                        + "made owner-only: \(String(cString: strerror(errno))); run certgate as the file's owner or chmod 600 it")
            }
        }
    }

    private func locked<T>(_ body: (Connection) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(connection)
    }
}

/// Statements inside one transaction. Use it only inside the closure that received it.
public struct Transaction {
    let connection: Connection

    /// Runs several statements that return no rows and take no arguments (a fixed script).
    public func executeScript(_ sql: String) throws {
        try connection.executeScript(sql)
    }

    /// Runs a statement that returns no rows; returns how many rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int {
        let statement = try connection.cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        while try statement.step() {}
        return connection.changes
    }

    /// Runs a query and returns all its rows.
    public func query(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [SQLRow] {
        let statement = try connection.cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        var rows: [SQLRow] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// Runs a query and calls `body` for each row without collecting them.
    public func forEach(_ sql: String, _ arguments: [any SQLBindable] = [], _ body: (SQLRow) throws -> Void) throws {
        let statement = try connection.cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        while try statement.step() { try body(statement.row()) }
    }

    /// The first column of the first row, or `.null`.
    public func scalar(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> SQLValue {
        try query(sql, arguments).first?.values.first ?? .null
    }

    /// The row ID of the last insert.
    public var lastInsertRowID: Int64 { connection.lastInsertRowID }
}

/// The raw connection.
///
/// `@unchecked Sendable`: SQLite is opened with `SQLITE_OPEN_NOMUTEX`, so the connection must not
/// be used by two threads at once; `Database` only touches it while holding its lock.
final class Connection: @unchecked Sendable {
    let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    /// The hash of the last audit event written in the open transaction, so appending does not
    /// read it back each time; nil outside a transaction (another process may have appended).
    var auditHead: String?

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
        let statement = try Statement(connection: self, sql: "PRAGMA \(text)")
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

    func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statements[sql] { return statement }
        let statement = try Statement(connection: self, sql: sql)
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
