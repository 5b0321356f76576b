import Foundation
import Store
import Synchronization
import TestSupport
import Testing

/// Several gateway processes on one PostgreSQL database (workers on several machines): each
/// provider pulled by one worker at a time, imports side by side, the checks taking turns; no
/// task open twice, one audit chain without gaps, nothing stored twice.
@Suite(.enabled(if: TestDatabase.isPostgreSQL, "PostgreSQL only: SQLite has one writer at a time"))
struct WorkerTests {
    /// Runs the commands at the same moment, each in a process of its own; their outcomes.
    func together(_ workspace: PullTests.Workspace, _ commands: [[String]]) -> [CertgateProcess.Outcome?] {
        let outcomes = Mutex<[Int: CertgateProcess.Outcome]>([:])
        let full = commands.map { ["--db", workspace.database, "--config", workspace.config] + $0 }
        let folder = workspace.directory.path
        DispatchQueue.concurrentPerform(iterations: full.count) { index in
            let outcome = try? CertgateProcess.run(full[index], in: folder, environment: TestConfig.credentials)
            outcomes.withLock { $0[index] = outcome }
        }
        return commands.indices.map { index in outcomes.withLock { $0[index] } }
    }

    /// What must hold however the workers' work interleaved.
    func expectConsistent(_ workspace: PullTests.Workspace) throws {
        let twice = try workspace.rows(
            """
            SELECT kind, subject_type, subject_id FROM tasks WHERE status = 'open'
            GROUP BY kind, subject_type, subject_id HAVING COUNT(*) > 1
            """)
        #expect(twice.isEmpty, "tasks open twice: \(twice.map(\.values))")
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results r LEFT JOIN matches m ON m.result_id = r.id WHERE m.result_id IS NULL").int == 0)
        let verify = try workspace.run(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        // One chain: numbered 1, 2, 3, … with none missing.
        let events = try workspace.rows("SELECT COUNT(*), MAX(seq) FROM audit_events")[0]
        #expect(events[0] == events[1])
    }

    @Test func twoWorkersPullTwoProvidersAtOnce() throws {
        let workspace = try PullTests.Workspace()
        #expect(try workspace.run(["roster", "import", Fixtures.path("mocks/roster/roster.csv"), "--enrollments",
                                   Fixtures.path("mocks/roster/enrollments.csv")]).status == 0)
        let server = try MockServeProcess(directory: Fixtures.path("mocks/feeds"))
        let window = ["--since", "2026-01-05", "--until", "2026-01-11"]
        let outcomes = together(workspace, [
            ["pull", "--provider", "certiport", "--base-url", "certiport=\(server.baseURL)/certiport"] + window,
            ["pull", "--provider", "servsafe", "--base-url", "servsafe=\(server.baseURL)/servsafe"] + window,
        ])
        for outcome in outcomes { #expect(outcome?.status == 0, "\(outcome?.stderr ?? "did not run")") }
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results WHERE provider_id = 'certiport'").int == 12)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results WHERE provider_id = 'servsafe'").int == 7)
        try expectConsistent(workspace)
        // The checks once more, by a third worker, find nothing left to do.
        let again = try workspace.run(["check", "--format", "json"])
        #expect(again.status == 0 && again.stdout.contains("\"tasks_opened\" : 0"), "\(again.stdout)")
    }

    @Test func twoImportWorkersOnDisjointFiles() throws {
        let feeds = try TemporaryDirectory()
        try LargeFeed.write(to: feeds.path, pages: 2, rows: 1500)
        let workspace = try PullTests.Workspace()
        #expect(try workspace.run(["roster", "import", Fixtures.path("mocks/roster/roster.csv")]).status == 0)
        let outcomes = together(workspace, [
            ["import", feeds.file("page1.csv"), "--provider", "certiport"],
            ["import", feeds.file("page2.csv"), "--provider", "certiport"],
        ])
        for outcome in outcomes { #expect(outcome?.status == 0, "\(outcome?.stderr ?? "did not run")") }
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results").int == 3000)
        try expectConsistent(workspace)
        // The same two files again, at once: nothing new, nothing doubled.
        let tasks = try workspace.scalar("SELECT COUNT(*) FROM tasks").int
        for outcome in together(workspace, [
            ["import", feeds.file("page2.csv"), "--provider", "certiport"], ["import", feeds.file("page1.csv"), "--provider", "certiport"],
        ]) { #expect(outcome?.status == 0, "\(outcome?.stderr ?? "did not run")") }
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results").int == 3000)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM tasks").int == tasks)
        try expectConsistent(workspace)
    }
}
