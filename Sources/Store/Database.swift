import Foundation

/// CertGate's database: a SQLite file (the embedded default) or a PostgreSQL database, behind one
/// interface. The schema is migrated to the newest version on open.
///
/// Every write runs in `write { }`, one transaction that commits whole or not at all; reads in
/// `read { }` see one consistent snapshot. One `Database` may be shared between threads: SQLite's
/// one connection is used under a lock; PostgreSQL lends each transaction a connection of a
/// small pool, so readers never wait for a writer.
public final class Database: Sendable {
    /// Where the database is: a file path, or a PostgreSQL URL or connection string.
    public let location: String
    /// The engine's SQL.
    public let dialect: SQLDialect
    private let engine: Engine

    private enum Engine: Sendable {
        case sqlite(SQLiteConnection, NSRecursiveLock)
        case postgresql(PostgresPool)
    }

    /// PostgreSQL connections a process opens at most: `CERTGATE_DB_CONNECTIONS`, else 10 (the
    /// console's requests each hold one for a moment; PostgreSQL allows 100 in all by default).
    public static var defaultConnections: Int {
        ProcessInfo.processInfo.environment["CERTGATE_DB_CONNECTIONS"].flatMap(Int.init).map { max(1, $0) } ?? 10
    }

    /// Whether `location` names a PostgreSQL database (`postgresql://…`, `postgres://…`, or a
    /// libpq connection string such as `host=… dbname=…`, `service=…`) rather than a file.
    public static func isPostgreSQL(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
            || location.range(of: #"^\s*(host|hostaddr|dbname|service|user|port)\s*="#, options: .regularExpression) != nil
    }

    /// Opens (creating a SQLite file if needed) the database at `location` and migrates its schema.
    /// - Parameters:
    ///   - busyTimeout: SQLite: how long to wait for another process's write lock, in milliseconds.
    ///   - connections: PostgreSQL: at most this many connections for this process.
    public init(
        location: String, busyTimeout: Int32 = 10_000, connections: Int = Database.defaultConnections, migrations: [Migration] = Schema.migrations
    ) throws {
        self.location = location
        if Self.isPostgreSQL(location) {
            dialect = .postgresql
            let pool = try PostgresPool(conninfo: location, capacity: connections)
            try pool.withConnection { try Migrator(migrations: migrations).migrate($0) }
            engine = .postgresql(pool)
        } else {
            dialect = .sqlite
            let connection = try SQLiteConnection(path: location)
            try connection.configure(busyTimeout: busyTimeout)
            try Self.restrictToOwner(location)
            try Migrator(migrations: migrations).migrate(connection)
            engine = .sqlite(connection, NSRecursiveLock())
        }
    }

    /// The SQLite file's path; nil on PostgreSQL.
    public var filePath: String? { dialect == .sqlite ? location : nil }

    /// Where the database is, fit to print: a PostgreSQL URL without its password.
    public var displayLocation: String { Self.displayLocation(of: location) }

    /// A location fit to print or log: any password in a PostgreSQL URL or connection string
    /// is left out (passwords belong in `PGPASSWORD` or a password file, not here).
    public static func displayLocation(of location: String) -> String {
        guard isPostgreSQL(location) else { return location }
        return location.replacingOccurrences(of: #"(://[^:/@]*):[^@]*@"#, with: "$1:…@", options: .regularExpression)
            .replacingOccurrences(of: #"password\s*=\s*('[^']*'|\S+)"#, with: "password=…", options: .regularExpression)
    }

    /// Runs `body` in one write transaction: committed when it returns, rolled back when it
    /// throws, so a failure leaves the database as it was. SQLite takes the write lock at once
    /// (`BEGIN IMMEDIATE`); PostgreSQL runs at READ COMMITTED, each statement seeing what others
    /// committed before it (work two processes must not do at once takes
    /// `Transaction.serialize` first).
    public func write<T>(_ body: (Transaction) throws -> T) throws -> T {
        try write(attempts: 1, body)
    }

    /// `write`, run again (up to five times in all) when PostgreSQL rolled it back for a deadlock
    /// or a serialization failure between two workers. For bodies that change nothing outside
    /// the database and build what they return inside it, so a second run starts afresh.
    public func writeRetrying<T>(_ body: (Transaction) throws -> T) throws -> T {
        try write(attempts: 5, body)
    }

    private func write<T>(attempts: Int, _ body: (Transaction) throws -> T) throws -> T {
        switch engine {
        case .sqlite(let connection, let lock):
            return try lock.withLock {
                try connection.inTransaction(immediate: true) { try body(Transaction(.sqlite(connection))) }
            }
        case .postgresql(let pool):
            return try pool.withConnection(writing: true) { connection in
                var attempt = 1
                while true {
                    do {
                        return try connection.transaction(isolation: .readCommitted) { try body(Transaction(.postgresql(connection))) }
                    } catch let error as DatabaseError where error.isRetryable && attempt < attempts {
                        Thread.sleep(forTimeInterval: Double.random(in: 0.01...0.05) * Double(attempt))
                        attempt += 1
                    }
                }
            }
        }
    }

    /// Runs `body` in one read transaction: a consistent snapshot (PostgreSQL: REPEATABLE READ).
    public func read<T>(_ body: (Transaction) throws -> T) throws -> T {
        switch engine {
        case .sqlite(let connection, let lock):
            return try lock.withLock {
                try connection.inTransaction(immediate: false) { try body(Transaction(.sqlite(connection))) }
            }
        case .postgresql(let pool):
            return try pool.withConnection { connection in
                try connection.transaction(isolation: .repeatableRead) { try body(Transaction(.postgresql(connection))) }
            }
        }
    }

    /// Takes the locks named `names` across every process on this database, or fails at once
    /// naming one that another process holds. See `DatabaseLock`.
    public func lock(_ names: [String]) throws -> DatabaseLock {
        switch engine {
        case .sqlite: try DatabaseLock(file: location)
        case .postgresql(let pool): try DatabaseLock(names, connection: PostgresConnection(pool.conninfo))
        }
    }

    /// The schema version recorded in the database.
    public func schemaVersion() throws -> Int {
        try read { try $0.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int ?? 0 }
    }

    /// The journal mode SQLite reports (`wal` for a file database); nil on PostgreSQL.
    public func journalMode() throws -> String? {
        guard case .sqlite(let connection, let lock) = engine else { return nil }
        return try lock.withLock { try connection.pragma("journal_mode") }
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
}
