import Foundation
import Store
import Synchronization
import TestSupport
import Testing

/// SIGKILL in the middle of work, then run again: the database ends as an uninterrupted run's.
@Suite(.serialized) struct CrashSafetyTests {
    /// Work on one database at the same moment: a pull, an upload and a review all succeed (the
    /// busy timeout and short write transactions), and everything each of them did is stored.
    @Test func pullUploadAndReviewAtOnce() throws {
        let feeds = try TemporaryDirectory()
        try LargeFeed.write(to: feeds.path, pages: 4, rows: 2500)
        let server = try MockServeProcess(directory: feeds.path)
        let workspace = try PullTests.Workspace()
        #expect(try workspace.run(["roster", "import", Fixtures.path("mocks/roster/roster.csv")]).status == 0)
        #expect(try workspace.run([
            "evidence", "add", "--student", "S100133", "--credential", "COMPTIA-APLUS-CORE1", "--file",
            Fixtures.path("mocks/certificates/mary-kate-king-aplus-core1.pdf"), "--earned", "2025-11-18",
        ]).status == 0)
        let attainment = try #require(try workspace.scalar("SELECT id FROM attainments").int)
        let commands: [[String]] = [
            ["pull", "--provider", "certiport", "--since", "2026-01-05", "--until", "2026-01-25", "--base-url",
             "certiport=\(server.baseURL)/certiport"],
            ["evidence", "add", "--student", "S100132", "--credential", "COMPTIA-ITF", "--file",
             Fixtures.path("mocks/certificates/jean-luc-allen-comptia-itf.pdf"), "--earned", "2026-01-27"],
            ["review", "approve", "\(attainment)", "--method", "certificate_pdf"],
        ]
        let full = commands.map { ["--db", workspace.database, "--config", workspace.config] + $0 }
        let folder = workspace.directory.path
        let outcomes = Mutex<[Int: Int32]>([:])
        DispatchQueue.concurrentPerform(iterations: full.count) { index in
            if index > 0 { Thread.sleep(forTimeInterval: 0.5) }  // while the pull is storing
            let outcome = try? CertgateProcess.run(full[index], in: folder, environment: TestConfig.credentials)
            outcomes.withLock { $0[index] = outcome?.status ?? -1 }
        }
        #expect(outcomes.withLock { $0 } == [0: 0, 1: 0, 2: 0])
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results").int == 10_000)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM evidence").int == 2)
        #expect(try workspace.scalar("SELECT review_status FROM attainments WHERE id = \(attainment)").string == "approved")
        #expect(try workspace.run(["audit", "verify"]).status == 0)
    }

    /// The stored state, without ids or times: what a person or an export would see.
    func state(_ workspace: PullTests.Workspace) throws -> [String] {
        let database = try Database(location: workspace.database)
        return try database.read { transaction in
            var lines: [String] = []
            for row in try transaction.query("SELECT provider_id, record_key, content_hash FROM exam_results ORDER BY 1, 2") {
                lines.append("result \(row.values)")
            }
            for row in try transaction.query(
                "SELECT r.record_key, m.status, m.student_id FROM matches m JOIN exam_results r ON r.id = m.result_id ORDER BY 1")
            {
                lines.append("match \(row.values)")
            }
            for row in try transaction.query(
                "SELECT student_id, credential_code, earned_on, source FROM attainments ORDER BY 1, 2, 3")
            {
                lines.append("attainment \(row.values)")
            }
            for row in try transaction.query("SELECT kind, status, COUNT(*) FROM tasks GROUP BY 1, 2 ORDER BY 1, 2") {
                lines.append("tasks \(row.values)")
            }
            for row in try transaction.query("SELECT sha256, student_id, credential_code FROM evidence ORDER BY 1, 2, 3") {
                lines.append("evidence \(row.values)")
            }
            for row in try transaction.query("SELECT provider_id, cursor FROM pull_cursors ORDER BY 1") {
                lines.append("cursor \(row.values)")
            }
            return lines
        }
    }

    /// Starts certgate, kills it with SIGKILL after `delay` seconds if it is still running.
    func killed(_ workspace: PullTests.Workspace, _ arguments: [String], after delay: Double) throws -> Bool {
        let process = try CertgateProcess.start(
            ["--db", workspace.database, "--config", workspace.config] + arguments, environment: TestConfig.credentials)
        Thread.sleep(forTimeInterval: delay)
        let wasRunning = process.isRunning
        if wasRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return wasRunning
    }

    @Test func killedPullsThenARerunEqualAnUninterruptedPull() throws {
        let feeds = try TemporaryDirectory()
        try LargeFeed.write(to: feeds.path, pages: 8, rows: 2500)
        let server = try MockServeProcess(directory: feeds.path)
        let pull = ["pull", "--provider", "certiport", "--since", "2026-01-05", "--until", "2026-01-25", "--base-url",
                    "certiport=\(server.baseURL)/certiport"]

        let reference = try PullTests.Workspace()
        #expect(try reference.run(["roster", "import", Fixtures.path("mocks/roster/roster.csv")]).status == 0)
        let started = Date()
        let whole = try reference.run(pull)
        #expect(whole.status == 0, "\(whole.stderr)")
        let duration = Date().timeIntervalSince(started)

        let crashed = try PullTests.Workspace()
        #expect(try crashed.run(["roster", "import", Fixtures.path("mocks/roster/roster.csv")]).status == 0)
        var kills = 0
        // Kill at several points of the run: fetching, storing, matching, checking.
        for fraction in [0.15, 0.35, 0.55, 0.75, 0.9] {
            if try killed(crashed, pull, after: duration * fraction) { kills += 1 }
            #expect(try crashed.run(["audit", "verify"]).status == 0)
        }
        #expect(kills >= 3)
        let rerun = try crashed.run(pull)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try state(crashed) == state(reference))
        #expect(try crashed.run(["audit", "verify"]).status == 0)
        #expect(try crashed.scalar("SELECT COUNT(*) FROM exam_results").int == 20_000)
    }

    @Test func killedEvidenceImportThenARerunEqualsAnUninterruptedOne() throws {
        // Many copies of the sample certificates, each a distinct file (a comment makes it unique).
        let folder = try TemporaryDirectory()
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("mocks/certificates/jean-luc-allen-comptia-itf.pdf")))
        var manifest = "Student ID,Credential Code,File,Date Earned\n"
        let students = (0..<40).map { "S\(100100 + $0)" }
        for index in 0..<400 {
            var bytes = original
            bytes.append(contentsOf: Array("% copy \(index)\n".utf8))
            try bytes.write(to: URL(fileURLWithPath: folder.file("cert\(index).pdf")))
            manifest += "\(students[index % 40]),COMPTIA-ITF,cert\(index).pdf,01/\(index % 28 + 1)/2026\n"
        }
        let manifestPath = try folder.write("manifest.csv", manifest)
        let intake = ["evidence", "import", folder.path, "--manifest", manifestPath]

        let reference = try PullTests.Workspace()
        #expect(try reference.run(["roster", "import", Fixtures.path("mocks/roster/roster.csv")]).status == 0)
        let started = Date()
        #expect(try reference.run(intake).status == 0)
        let duration = Date().timeIntervalSince(started)

        let crashed = try PullTests.Workspace()
        #expect(try crashed.run(["roster", "import", Fixtures.path("mocks/roster/roster.csv")]).status == 0)
        var kills = 0
        for fraction in [0.2, 0.5, 0.8] {
            if try killed(crashed, intake, after: duration * fraction) { kills += 1 }
        }
        #expect(kills >= 1)
        #expect(try crashed.run(intake).status == 0)
        #expect(try state(crashed) == state(reference))
        #expect(try crashed.run(["audit", "verify"]).status == 0)
        #expect(try crashed.scalar("SELECT COUNT(*) FROM evidence").int == 400)
    }
}
