import Foundation
import Store
import TestSupport
import Testing

/// `certgate db copy`: a district's SQLite file moved to PostgreSQL and back, row for row, with
/// the audit chain verified on arrival; an occupied target is refused and left as it was.
@Suite struct DatabaseCopyTests {
    /// Every table's rows in a stable order, as text.
    func contents(_ location: String) throws -> [String] {
        try Database(location: location).read { transaction in
            try DatabaseCopy.tables.flatMap { table in
                try transaction.query("SELECT * FROM \(table)").map { "\(table) \($0.values)" }.sorted()
            }
        }
    }

    @Test func aSQLiteFileGoesToPostgreSQLAndBackUnchanged() throws {
        let workspace = try PullTests.Workspace()
        let server = try MockServeProcess(directory: Fixtures.path("mocks/feeds"))
        #expect(try workspace.run(["roster", "import", Fixtures.path("mocks/roster/roster.csv"), "--enrollments",
                                   Fixtures.path("mocks/roster/enrollments.csv")]).status == 0)
        #expect(try workspace.pull(server, ["--since", "2026-01-05", "--until", "2026-01-11"]).status == 0)
        let source = workspace.database
        let postgres = try TestDatabase.newPostgreSQLDatabase()
        let back = workspace.directory.file("back.db")

        let there = try CertgateProcess.run(["db", "copy", "--from", source, "--to", postgres], in: workspace.directory.path)
        #expect(there.status == 0, "\(there.stderr)")
        #expect(there.stdout.contains("counts match; audit chain verified"))
        let home = try CertgateProcess.run(["db", "copy", "--from", postgres, "--to", back], in: workspace.directory.path)
        #expect(home.status == 0, "\(home.stderr)")
        let original = try contents(source)
        #expect(original.count > 100)
        #expect(try contents(postgres) == original)
        #expect(try contents(back) == original)
        // The copy works on: new rows take new ids after the copied ones, and the chain goes on.
        #expect(try CertgateProcess.run(
            ["--db", postgres, "--config", workspace.config, "pull", "--since", "2026-01-08", "--until", "2026-01-18",
             "--base-url", "certiport=\(server.baseURL)/certiport", "--base-url", "servsafe=\(server.baseURL)/servsafe"],
            in: workspace.directory.path, environment: TestConfig.credentials).status == 0)
        #expect(try CertgateProcess.run(["--db", postgres, "audit", "verify"], in: workspace.directory.path).status == 0)

        // Into a database that holds data: refused, and nothing in it changes.
        let again = try CertgateProcess.run(["db", "copy", "--from", source, "--to", back], in: workspace.directory.path)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds data"))
        #expect(try contents(back) == original)
    }
}
