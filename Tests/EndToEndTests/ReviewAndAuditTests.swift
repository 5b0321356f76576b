import Foundation
import Store
import TestSupport
import Testing

/// Review, tasks, exports and the audit trail through the binary.
@Suite struct ReviewAndAuditTests {
    /// A workspace with the bundled roster and the first weekly pull stored.
    func pulledWorkspace() throws -> PullTests.Workspace {
        let workspace = try PullTests.Workspace()
        let server = try MockServeProcess(directory: Fixtures.path("mocks/feeds"))
        #expect(try workspace.run(["roster", "import", Fixtures.path("mocks/roster/roster.csv"), "--enrollments",
                                   Fixtures.path("mocks/roster/enrollments.csv")]).status == 0)
        #expect(try workspace.pull(server, ["--since", "2026-01-05", "--until", "2026-01-11"]).status == 0)
        return workspace
    }

    /// Someone with write access to the database changes it behind CertGate's back: the
    /// `sqlite3` tool on a file, `psql`'s equivalent (a plain connection) on PostgreSQL, where
    /// the append-only trigger is dropped by its PostgreSQL name. 0 when the SQL ran.
    func tamper(_ database: String, _ sql: String) throws -> Int32 {
        guard TestDatabase.isPostgreSQL else { return try sqlite(database, sql) }
        let postgres = sql.replacingOccurrences(of: #"DROP TRIGGER audit_events_no_(update|delete)"#, with: "DROP TRIGGER audit_events_no_change ON audit_events", options: .regularExpression)
        do {
            try PostgresConnection(database).executeScript(postgres)
            return 0
        } catch {
            return 1
        }
    }

    func sqlite(_ database: String, _ sql: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", database, sql]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func editingAnAuditRowWithTheSQLiteToolIsCaught() throws {
        let workspace = try pulledWorkspace()
        let intact = try workspace.run(["audit", "verify"])
        #expect(intact.status == 0)
        #expect(intact.stdout.hasPrefix("audit trail intact: "))
        // The triggers refuse edits; someone determined drops them first.
        #expect(try tamper(workspace.database, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3") != 0)
        #expect(try tamper(workspace.database, "DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'mallory' WHERE seq = 3") == 0)
        let broken = try workspace.run(["audit", "verify"])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("event 3"))
        #expect(broken.stderr.contains("was altered"))
    }

    @Test func removingAnAuditRowIsCaught() throws {
        let workspace = try pulledWorkspace()
        #expect(try tamper(workspace.database, "DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq = 2") == 0)
        let broken = try workspace.run(["audit", "verify", "--format", "json"])
        #expect(broken.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any])
        #expect(document["first_bad_event"] as? Int == 3)
    }

    /// Someone who can write the file drops the triggers, edits an event and recomputes every hash
    /// after it: the chain alone verifies, but not against a head kept from before.
    @Test func aRewrittenChainIsCaughtByAHeadKeptElsewhere() throws {
        let workspace = try pulledWorkspace()
        let server = try MockServeProcess(directory: Fixtures.path("mocks/feeds"))
        let pulled = try workspace.run(
            ["pull", "--since", "2026-01-08", "--until", "2026-01-18", "--base-url", "certiport=\(server.baseURL)/certiport",
             "--base-url", "servsafe=\(server.baseURL)/servsafe"])
        let head = try workspace.run(["audit", "head"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(head.split(separator: ":").count == 2, "\(head)")
        #expect(pulled.stdout.contains("audit head: \(head) (keep it"), "\(pulled.stdout)")
        #expect(try workspace.run(["audit", "verify", "--head", head]).status == 0)

        let database = try Database(location: workspace.database)
        try database.write { transaction in
            if transaction.dialect == .postgresql {
                try transaction.execute("DROP TRIGGER audit_events_no_change ON audit_events")
            } else {
                try transaction.execute("DROP TRIGGER audit_events_no_update")
                try transaction.execute("DROP TRIGGER audit_events_no_delete")
            }
            try transaction.execute("UPDATE audit_events SET actor = 'someone else' WHERE seq = 3")
            var previous = try transaction.scalar("SELECT hash FROM audit_events WHERE seq = 2").string ?? ""
            for row in try transaction.query("SELECT * FROM audit_events WHERE seq >= 3 ORDER BY seq") {
                let hash = AuditLog.eventHash(
                    previous: previous, at: row["at"].string ?? "", actor: row["actor"].string ?? "", action: row["action"].string ?? "",
                    subjectType: row["subject_type"].string ?? "", subjectID: row["subject_id"].string ?? "",
                    before: row["before_json"].string, after: row["after_json"].string)
                try transaction.execute("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?", [previous, hash, row["seq"].int])
                previous = hash
            }
        }
        #expect(try workspace.run(["audit", "verify"]).status == 0)  // the rewrite is consistent in itself
        let caught = try workspace.run(["audit", "verify", "--head", head])
        #expect(caught.status == 1)
        #expect(caught.stderr.contains("is not the one recorded as the head (\(head)): the chain was rewritten"), "\(caught.stderr)")
        // Cutting the newest events off is caught too.
        let seq = Int(head.split(separator: ":")[0])!
        try database.write { try $0.execute("DELETE FROM audit_events WHERE seq >= ?", [seq]) }
        let cut = try workspace.run(["audit", "verify", "--head", head])
        #expect(cut.status == 1)
        #expect(cut.stderr.contains("is no longer in the chain"))
        #expect(try workspace.run(["audit", "verify", "--head", "12:nothex"]).status == 2)
    }

    @Test func reviewNeedsAVerificationMethodAndIsAudited() throws {
        let workspace = try pulledWorkspace()
        let id = try #require(try workspace.scalar("SELECT id FROM attainments ORDER BY id LIMIT 1").int)
        let noMethod = try workspace.run(["review", "approve", "\(id)"])
        #expect(noMethod.status == 2)
        #expect(noMethod.stderr.contains("--method is required"))
        let approved = try workspace.run(["--actor", "lead", "review", "approve", "\(id)", "--method", "score_report", "--comment", "ok"])
        #expect(approved.status == 0, "\(approved.stderr)")
        let history = try workspace.run(["audit", "--subject", "attainment:\(id)", "--format", "json"])
        #expect(history.stdout.contains("review.approve"))
        #expect(history.stdout.contains("lead"))
    }

    @Test func tasksListFilterAndClose() throws {
        let workspace = try pulledWorkspace()
        let json = try workspace.run(["tasks", "--kind", "retake_too_soon", "--format", "json"])
        #expect(json.status == 0)
        let open = try workspace.run(["tasks", "--kind", "proctor_is_teacher", "--format", "csv"])
        let lines = open.stdout.split(separator: "\r\n")
        #expect(lines.count >= 2)
        let id = try #require(lines.dropFirst().first?.split(separator: ",").first.map(String.init))
        #expect(try workspace.run(["tasks", "dismiss", id]).status == 2)  // a note is required
        #expect(try workspace.run(["tasks", "dismiss", id, "--note", "second monitor present"]).status == 0)
        let dismissed = try workspace.run(["tasks", "--status", "dismissed", "--format", "csv"])
        #expect(dismissed.stdout.contains("second monitor present"))
        #expect(try workspace.run(["tasks", "--kind", "nonsense"]).status == 2)
        let check = try workspace.run(["check"])
        #expect(check.status == 0)
        #expect(check.stdout.contains("course_mismatch"))
    }

    @Test func exportWritesAFileOwnerOnlyAndListsRefusals() throws {
        let workspace = try pulledWorkspace()
        let out = workspace.directory.file("perkins.csv")
        let outcome = try workspace.run(["export", "perkins", "--year", "2025-26", "--out", out])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("school_year,student_id,"))
        #expect(try workspace.run(["export", "perkins"]).status == 2)  // --year is required
    }
}

/// Certificate uploads through the binary.
@Suite struct EvidenceCommandTests {
    @Test func addRejectImportAndExport() throws {
        let workspace = try PullTests.Workspace()
        #expect(try workspace.run(["roster", "import", Fixtures.path("mocks/roster/roster.csv")]).status == 0)
        let good = try workspace.run([
            "evidence", "add", "--student", "S100132", "--credential", "COMPTIA-ITF", "--file",
            Fixtures.path("mocks/certificates/jean-luc-allen-comptia-itf.pdf"), "--earned", "2026-01-27",
            "--verification-code", "COMP001022938",
        ])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("recorded by this upload"))
        let bad = try workspace.run([
            "evidence", "add", "--student", "S100132", "--credential", "COMPTIA-ITF", "--file",
            Fixtures.path("mocks/certificates/truncated-certificate.pdf"), "--earned", "2026-01-27",
        ])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("truncated-certificate.pdf: rejected: the PDF is truncated"))
        #expect(try workspace.run(["evidence", "add", "--student", "S100132"]).status == 2)
        let batch = try workspace.run([
            "evidence", "import", Fixtures.path("mocks/certificates"), "--manifest", Fixtures.path("mocks/certificates/manifest.csv"),
        ])
        #expect(batch.status == 1)  // some rows are bad on purpose
        #expect(batch.stdout.contains("line 11: '../../config/gateway.json' is outside the folder"))
        #expect(batch.stderr.contains("[1/11]"))
        let out = workspace.directory.file("audit-copy")
        #expect(try workspace.run(["evidence", "export", "--credential", "COMPTIA-ITF", "--out", out]).status == 0)
        #expect(FileManager.default.fileExists(atPath: out + "/index.csv"))
    }
}
