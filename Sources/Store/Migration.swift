import Foundation

/// One step of the schema: applied once, in order, and recorded in `schema_migrations`.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Applies the migrations a database has not had yet, each in its own transaction.
struct Migrator {
    let migrations: [Migration]

    func migrate(_ connection: Connection) throws {
        try connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
        let statement = try Statement(connection: connection, sql: "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        _ = try statement.step()
        let current = statement.row().values.first?.int ?? 0
        statement.reset()
        let known = migrations.map(\.version).max() ?? 0
        guard current <= known else {
            throw DatabaseError(
                code: 1,
                message: "the database has schema version \(current), newer than this certgate knows (\(known)); upgrade certgate")
        }
        for migration in migrations.sorted(by: { $0.version < $1.version }) where migration.version > current {
            try connection.inTransaction(immediate: true) {
                try connection.executeScript(migration.sql)
                let record = try Statement(
                    connection: connection, sql: "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
                try record.bind([migration.version, migration.name, ISO8601DateFormatter().string(from: Date())])
                _ = try record.step()
            }
        }
    }
}
