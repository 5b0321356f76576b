import Foundation

/// One step of the schema: applied once, in order, and recorded in `schema_migrations`.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    /// The step in SQLite's SQL.
    public var sql: String
    /// The step in PostgreSQL's SQL; nil when `SQLDialect.schema` translates `sql`.
    public var postgresSQL: String?

    public init(version: Int, name: String, sql: String, postgresSQL: String? = nil) {
        self.version = version
        self.name = name
        self.sql = sql
        self.postgresSQL = postgresSQL
    }

    func sql(for dialect: SQLDialect) -> String {
        dialect == .postgresql ? postgresSQL ?? dialect.schema(sql) : sql
    }
}

/// Applies the migrations a database has not had yet, each in its own transaction.
struct Migrator {
    let migrations: [Migration]

    static let table = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )
        """

    func migrate(_ connection: SQLiteConnection) throws {
        try connection.executeScript(Self.table)
        let transaction = Transaction(.sqlite(connection))
        for migration in try pending(current: connection.inTransaction(immediate: false) { try version(transaction) }) {
            try connection.inTransaction(immediate: true) { try apply(migration, in: transaction) }
        }
    }

    /// On PostgreSQL several gateway processes may start at once: the first takes a session
    /// advisory lock and migrates; the others wait for it, then find nothing left to do.
    func migrate(_ connection: PostgresConnection) throws {
        let lock = "certgate schema migrations"
        try connection.advisoryLock(lock)
        defer { try? connection.unlockAdvisoryLock(lock) }
        try connection.executeScript(SQLDialect.postgresql.schema(Self.table))
        let transaction = Transaction(.postgresql(connection))
        for migration in try pending(current: connection.transaction { try version(transaction) }) {
            try connection.transaction { try apply(migration, in: transaction) }
        }
    }

    private func version(_ transaction: Transaction) throws -> Int {
        try transaction.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int ?? 0
    }

    private func pending(current: Int) throws -> [Migration] {
        let known = migrations.map(\.version).max() ?? 0
        guard current <= known else {
            throw DatabaseError(
                code: 1,
                message: "the database has schema version \(current), newer than this certgate knows (\(known)); upgrade certgate")
        }
        return migrations.sorted(by: { $0.version < $1.version }).filter { $0.version > current }
    }

    private func apply(_ migration: Migration, in transaction: Transaction) throws {
        try transaction.executeScript(migration.sql(for: transaction.dialect))
        try transaction.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            [migration.version, migration.name, ISO8601DateFormatter().string(from: Date())])
    }
}
