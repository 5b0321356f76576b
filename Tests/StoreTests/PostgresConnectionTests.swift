import Foundation
import Store
import Testing

/// libpq against a real PostgreSQL server the test starts: parameters kept apart from the SQL,
/// values by type, transactions that commit whole or roll back, errors with their SQLSTATE.
@Suite(.serialized) struct PostgresConnectionTests {
    @Test func statementsTransactionsAndErrors() throws {
        let server = try PostgresServer()
        let connection = try PostgresConnection(server.conninfo)
        #expect(connection.serverVersion >= 150_000)
        try connection.query("CREATE TABLE students (student_id TEXT PRIMARY KEY, name TEXT NOT NULL, grade INTEGER, score DOUBLE PRECISION, photo BYTEA)")
        // A value that would break SQL spliced into it is only ever a parameter.
        let tricky = "O'Brien'); DROP TABLE students; --"
        try connection.query(
            "INSERT INTO students VALUES ($1, $2, $3, $4, $5)", ["S1", tricky, 10, 812.5, SQLValue.blob([0, 255, 7])])
        try connection.query("INSERT INTO students (student_id, name) VALUES ($1, $2)", ["S2", "Ana"])
        let rows = try connection.query("SELECT student_id, name, grade, score, photo FROM students ORDER BY student_id")
        #expect(rows.count == 2 && rows[0]["name"].string == tricky && rows[0]["grade"].int == 10 && rows[0]["score"].double == 812.5)
        #expect(rows[0]["photo"] == .blob([0, 255, 7]) && rows[1]["grade"] == .null)

        // A failed transaction leaves nothing behind; the error names the SQLSTATE, not the values.
        #expect(throws: PostgresError.self) {
            try connection.transaction {
                try connection.query("INSERT INTO students (student_id, name) VALUES ($1, $2)", ["S3", "Mia"])
                try connection.query("INSERT INTO students (student_id, name) VALUES ($1, $2)", ["S1", "Duplicate"])
            }
        }
        #expect(try connection.query("SELECT COUNT(*) AS n FROM students")[0]["n"].int == 2)
        do {
            try connection.query("INSERT INTO students (student_id, name) VALUES ($1, $2)", ["S1", "Secret Name"])
        } catch let error as PostgresError {
            #expect(error.state == "23505" && !error.description.contains("Secret Name"))
        }
        #expect(throws: PostgresError.self) { try PostgresConnection("host=\(server.socketFolder) port=1 dbname=postgres connect_timeout=2") }
    }

    @Test func anAdvisoryLockIsHeldByOneSessionAtATime() throws {
        let server = try PostgresServer()
        let first = try PostgresConnection(server.conninfo), second = try PostgresConnection(server.conninfo)
        let inner = try first.withAdvisoryLock("pull:certiport") {
            // Another session (another worker) is refused while the first holds it; another name is free.
            (try second.withAdvisoryLock("pull:certiport") { true }, try second.withAdvisoryLock("pull:servsafe") { true })
        }
        #expect(inner?.0 == nil && inner?.1 == true)
        #expect(try second.withAdvisoryLock("pull:certiport") { true } == true, "released when the first is done")
    }
}
