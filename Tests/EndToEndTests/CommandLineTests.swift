import Foundation
import Store
import TestSupport
import Testing

/// The real `certgate` binary, as staff and scripts run it.
@Suite struct CommandLineTests {
    func run(_ arguments: [String], in directory: TemporaryDirectory) throws -> CertgateProcess.Outcome {
        try CertgateProcess.run(
            ["--db", try TestDatabase.location(in: directory), "--config", Fixtures.configDirectory] + arguments, in: directory.path)
    }

    @Test func rosterImportPrintsWhatItLoaded() throws {
        let directory = try TemporaryDirectory()
        let outcome = try run(
            ["roster", "import", Fixtures.path("mocks/roster/roster.csv"), "--enrollments", Fixtures.path("mocks/roster/enrollments.csv")],
            in: directory)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("students     roster.csv       40    40"))
        #expect(outcome.stdout.contains("enrollments  enrollments.csv  48    48"))
    }

    @Test func jsonOutputHasStableSnakeCaseFields() throws {
        let directory = try TemporaryDirectory()
        let outcome = try run(["--format", "json", "roster", "import", Fixtures.path("mocks/roster/roster.csv")], in: directory)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let students = try #require(document["students"] as? [String: Any])
        #expect(students["new"] as? Int == 40)
        #expect(students["ignored_columns"] as? [Any] != nil)
    }

    @Test func csvOutput() throws {
        let directory = try TemporaryDirectory()
        let outcome = try run(["roster", "import", Fixtures.path("mocks/roster/roster.csv"), "--format=csv"], in: directory)
        #expect(outcome.stdout == "kind,file,rows,new,updated,unchanged\r\nstudents,roster.csv,40,40,0,0\n")
    }

    @Test func badFileExitsOneNamingFileLineAndField() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "roster.csv", "Student ID,First Name,Last Name,Grade\nS1,Ana,Diaz,10\nS2,Bo,Kim,senior\n")
        let outcome = try run(["roster", "import", path], in: directory)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.hasPrefix("certgate: roster.csv: 1 error; nothing from this file was imported"))
        #expect(outcome.stderr.contains("roster.csv:3: field 'Grade': 'senior' is not a grade"))
        let json = try run(["roster", "import", path, "--format", "json"], in: directory)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let errors = try #require((document["error"] as? [String: Any])?["errors"] as? [[String: Any]])
        #expect(errors.first?["line"] as? Int == 3)
        #expect(errors.first?["field"] as? String == "Grade")
    }

    @Test func missingFileExitsOne() throws {
        let directory = try TemporaryDirectory()
        let outcome = try run(["roster", "import", "nope.csv"], in: directory)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("cannot open 'nope.csv'"))
    }

    @Test(arguments: [
        ["roster", "import"], ["roster", "import", "a.csv", "--bogus"], ["frobnicate"], ["--format", "xml", "roster", "import", "a.csv"],
        ["roster", "import", "a.csv", "--enrollments"],
    ])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let directory = try TemporaryDirectory()
        let outcome = try run(arguments, in: directory)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("certgate: "))
        #expect(outcome.stderr.contains("--help"))
    }

    @Test(arguments: [["--help"], ["help"], ["roster", "--help"], ["roster", "import", "--help"], ["help", "roster", "import"]])
    func helpExitsZero(arguments: [String]) throws {
        let directory = try TemporaryDirectory()
        let outcome = try run(arguments, in: directory)
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("usage: certgate"))
    }

    @Test(.enabled(if: !TestDatabase.isPostgreSQL, "a SQLite file's mode"))
    func databaseFileIsReadableByTheOwnerOnly() throws {
        let directory = try TemporaryDirectory()
        _ = try run(["roster", "import", Fixtures.path("mocks/roster/roster.csv")], in: directory)
        let attributes = try FileManager.default.attributesOfItem(atPath: try TestDatabase.location(in: directory))
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
    }

    @Test func databaseDefaultsToTheEnvironmentVariable() throws {
        let directory = try TemporaryDirectory()
        let outcome = try CertgateProcess.run(
            ["roster", "import", Fixtures.path("mocks/roster/roster.csv"), "--config", Fixtures.configDirectory],
            in: directory.path, environment: ["CERTGATE_DB": try TestDatabase.location(in: directory, name: "from-env.db")])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let database = try Database(location: try TestDatabase.location(in: directory, name: "from-env.db"))
        #expect(try database.read { try $0.scalar("SELECT COUNT(*) FROM students").int } == 40)
    }

    @Test func missingConfigurationIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let outcome = try CertgateProcess.run(
            ["--db", directory.file("x.db"), "--config", directory.file("nowhere"), "roster", "import", "r.csv"], in: directory.path)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("gateway.json"))
    }
}
