import Foundation
import Gateway
import Store
import TestSupport
import Testing

/// `certgate user add|list|disable|password`: accounts for the console, passwords from standard
/// input only, stored as scrypt hashes, every change audited without the password.
@Suite struct UserCommandTests {
    static let password = "correct horse battery staple"

    @Test func accountsFromTheCommandLine() throws {
        let workspace = try PullTests.Workspace()
        #expect(try workspace.run(["roster", "import", Fixtures.path("mocks/roster/roster.csv"), "--enrollments",
            Fixtures.path("mocks/roster/enrollments.csv")]).status == 0)
        let teacher = try workspace.run(
            ["--actor", "it.admin", "user", "add", "arivera", "--role", "cte_teacher", "--teacher", "Rivera, Ana"],
            input: Self.password + "\n")
        #expect(teacher.status == 0, "\(teacher.stderr)")
        #expect(!teacher.stderr.contains("no enrollment names"))
        let lead = try workspace.run(
            ["user", "add", "lead.central", "--role", "school_lead", "--school", "Central High School"], input: Self.password)
        #expect(lead.status == 0, "\(lead.stderr)")

        // Refused, each with the reason: no password, a short one, a lead without a school, a
        // teacher without a name, an unknown role, a taken username, a bad username.
        #expect(try workspace.run(["user", "add", "a1", "--role", "auditor"]).stderr.contains("standard input"))
        #expect(try workspace.run(["user", "add", "a1", "--role", "auditor"], input: "short\n").stderr.contains("at least 12"))
        #expect(try workspace.run(["user", "add", "l2", "--role", "school_lead"], input: Self.password).stderr.contains("--school"))
        #expect(try workspace.run(["user", "add", "t2", "--role", "cte_teacher"], input: Self.password).stderr.contains("--teacher"))
        let role = try workspace.run(["user", "add", "x", "--role", "admin"], input: Self.password)
        #expect(role.status == 2 && role.stderr.contains("cte_coordinator"))
        #expect(try workspace.run(["user", "add", "arivera", "--role", "auditor"], input: Self.password).stderr.contains("already"))
        #expect(try workspace.run(["user", "add", "Bad Name", "--role", "auditor"], input: Self.password).status == 1)

        let listing = try workspace.run(["--format", "json", "user", "list"])
        let users = try #require(
            (try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [String: Any])?["users"] as? [[String: Any]])
        #expect(users.map { $0["username"] as? String } == ["arivera", "lead.central"])
        #expect(users.last?["schools"] as? [String] == ["Central High School"])
        #expect(!listing.stdout.contains("scrypt") && !listing.stdout.contains("horse"))

        // Stored as a hash; the password is nowhere in the database, the audit trail or output.
        #expect(try workspace.scalar("SELECT password_hash FROM users WHERE username = 'arivera'").string?.hasPrefix("scrypt$") == true)
        if TestDatabase.isPostgreSQL {
            let stored = try Database(location: workspace.database).read { transaction in
                try ["users", "audit_events"].flatMap { try transaction.query("SELECT * FROM \($0)") }.flatMap(\.values)
            }
            #expect(!stored.contains { $0.string?.contains(Self.password) == true })
        } else {
            let database = try Data(contentsOf: URL(fileURLWithPath: workspace.database))
            #expect(database.range(of: Data(Self.password.utf8)) == nil)
        }
        #expect(try workspace.scalar("SELECT actor FROM audit_events WHERE action = 'user.add' ORDER BY seq LIMIT 1").string == "it.admin")

        let gateway = try Gateway(databaseLocation: workspace.database, configDirectory: workspace.config, actor: "test")
        #expect(try gateway.authenticate("arivera", password: Self.password)?.teacherName == "Rivera, Ana")
        #expect(try gateway.authenticate("arivera", password: Self.password + "!") == nil)
        #expect(try gateway.authenticate("nobody", password: Self.password) == nil)

        #expect(try workspace.run(["user", "password", "arivera"], input: "a brand new passphrase\n").status == 0)
        #expect(try gateway.authenticate("arivera", password: Self.password) == nil)
        #expect(try gateway.authenticate("arivera", password: "a brand new passphrase") != nil)
        #expect(try workspace.run(["user", "disable", "arivera"]).status == 0)
        #expect(try gateway.authenticate("arivera", password: "a brand new passphrase") == nil)
        #expect(try workspace.run(["user", "disable", "arivera"]).stderr.contains("already disabled"))
        #expect(try workspace.run(["user", "password", "ghost"], input: Self.password).stderr.contains("no user ghost"))
    }
}
