import Foundation
import Store
import TestSupport
import Testing

@Suite struct DatabaseTests {
    @Test func migratesAnEmptyDatabaseToTheWholeSchema() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(location: try TestDatabase.location(in: directory))
        // A SQLite file in WAL mode; PostgreSQL has no journal mode.
        #expect(try database.journalMode() == (TestDatabase.isPostgreSQL ? nil : "wal"))
        #expect(try database.schemaVersion() == Schema.migrations.last?.version)
        let catalog =
            database.dialect == .sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table'"
            : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
        let tables = try database.read { try $0.query(catalog) }.compactMap { $0["name"].string }
        for table in [
            "students", "enrollments", "providers", "exam_results", "rejected_records", "matches", "candidate_links",
            "evidence", "attainments", "attainment_evidence", "tasks", "audit_events", "pull_cursors", "pull_runs",
        ] {
            #expect(tables.contains(table), "missing table \(table)")
        }
    }

    @Test func reopeningIsANoOp() throws {
        let directory = try TemporaryDirectory()
        let path = try TestDatabase.location(in: directory)
        _ = try Database(location: path)
        let reopened = try Database(location: path)
        let applied = try reopened.read { try $0.scalar("SELECT COUNT(*) FROM schema_migrations").int }
        #expect(applied == Schema.migrations.count)
    }

    @Test func newMigrationsApplyOnTopOfOldOnes() throws {
        let directory = try TemporaryDirectory()
        let path = try TestDatabase.location(in: directory)
        _ = try Database(location: path)
        let next = Migration(version: 1000, name: "test column", sql: "ALTER TABLE students ADD COLUMN nickname TEXT")
        let upgraded = try Database(location: path, migrations: Schema.migrations + [next])
        #expect(try upgraded.schemaVersion() == 1000)
        // And an older certgate refuses a database newer than it knows.
        #expect { try Database(location: path) } throws: { "\($0)".contains("newer than this certgate knows") }
    }

    @Test func failedTransactionLeavesNoRows() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(location: try TestDatabase.location(in: directory))
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try database.write { transaction in
                try transaction.execute(
                    "INSERT INTO providers (provider_id, style, name) VALUES (?, ?, ?)", ["certiport", "certiport", "C"])
                #expect(try transaction.scalar("SELECT COUNT(*) FROM providers").int == 1)
                throw Abort()
            }
        }
        #expect(try database.read { try $0.scalar("SELECT COUNT(*) FROM providers").int } == 0)
    }

    @Test func constraintFailureRollsBackTheWholeTransaction() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(location: try TestDatabase.location(in: directory))
        let error = try #require(throws: DatabaseError.self) {
            try database.write { transaction in
                try transaction.execute("INSERT INTO providers (provider_id, style, name) VALUES ('a', 'certiport', 'A')")
                // A foreign key to a provider that does not exist.
                try transaction.execute(
                    "INSERT INTO pull_cursors (provider_id, cursor, last_success_at) VALUES ('missing', 'x', 'now')")
            }
        }
        #expect(error.isConstraintViolation)
        #expect(error.description.uppercased().contains("FOREIGN KEY"))
        #expect(try database.read { try $0.scalar("SELECT COUNT(*) FROM providers").int } == 0)
    }

    @Test func valuesRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(location: try TestDatabase.location(in: directory))
        let row = try database.write { transaction in
            try transaction.executeScript(transaction.dialect.schema("CREATE TABLE round_trip (t TEXT, i INTEGER, r REAL, n TEXT, b BLOB)"))
            try transaction.execute(
                "INSERT INTO round_trip VALUES (?, ?, ?, ?, ?)", ["José O'Brien", 42, 2.5, SQLValue.null, SQLValue.blob([0, 1, 255])])
            return try transaction.query("SELECT * FROM round_trip")
        }.first
        #expect(row?["t"] == .text("José O'Brien"))
        #expect(row?["i"] == .integer(42))
        #expect(row?["r"] == .real(2.5))
        #expect(row?["n"] == .null)
        #expect(row?["b"] == .blob([0, 1, 255]))
    }

    @Test func wrongArgumentCountIsAnError() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(location: try TestDatabase.location(in: directory))
        #expect(throws: DatabaseError.self) { try database.read { try $0.query("SELECT ?, ?", [1]) } }
    }

    @Test func secondConnectionWaitsForTheWriteLock() throws {
        let directory = try TemporaryDirectory()
        let path = try TestDatabase.location(in: directory)
        let first = try Database(location: path)
        let second = try Database(location: path)
        let done = DispatchSemaphore(value: 0)
        try first.write { transaction in
            try transaction.execute("INSERT INTO providers (provider_id, style, name) VALUES ('a', 's', 'A')")
            Thread {
                // Blocks on BEGIN IMMEDIATE until the first write commits, then succeeds.
                _ = try? second.write { try $0.execute("INSERT INTO providers (provider_id, style, name) VALUES ('b', 's', 'B')") }
                done.signal()
            }.start()
            Thread.sleep(forTimeInterval: 0.2)
        }
        done.wait()
        #expect(try first.read { try $0.scalar("SELECT COUNT(*) FROM providers").int } == 2)
    }
}

@Suite struct AuditLogTests {
    @Test func eventsChainAndCannotBeEdited() throws {
        let directory = try TemporaryDirectory()
        let database = try Database(location: try TestDatabase.location(in: directory))
        try database.write { transaction in
            try AuditLog.append(transaction, actor: "clerk", action: "roster.import", subjectType: "roster", subjectID: "r.csv")
            try AuditLog.append(transaction, actor: "clerk", action: "roster.import", subjectType: "roster", subjectID: "r2.csv")
        }
        let rows = try database.read { try $0.query("SELECT * FROM audit_events ORDER BY seq") }
        #expect(rows.count == 2)
        #expect(rows[0]["prev_hash"].string == AuditLog.genesis)
        #expect(rows[1]["prev_hash"] == rows[0]["hash"])
        let recomputed = AuditLog.eventHash(
            previous: AuditLog.genesis, at: rows[0]["at"].string!, actor: "clerk", action: "roster.import",
            subjectType: "roster", subjectID: "r.csv", before: nil, after: nil)
        #expect(rows[0]["hash"].string == recomputed)
        #expect(throws: DatabaseError.self) {
            try database.write { try $0.execute("UPDATE audit_events SET actor = 'someone else'") }
        }
        #expect(throws: DatabaseError.self) { try database.write { try $0.execute("DELETE FROM audit_events") } }
    }
}
