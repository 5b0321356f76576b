import Foundation
import TestSupport
import Testing

/// `certgate results` and `certgate match` as staff use them.
@Suite struct MatchCommandTests {
    func json(_ outcome: CertgateProcess.Outcome) throws -> [[String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        return try #require(document["results"] as? [[String: Any]])
    }

    @Test func reviewThenLinkFromTheCommandLine() throws {
        let workspace = try PullTests.Workspace()
        let server = try MockServeProcess(directory: Fixtures.path("mocks/feeds"))
        // Two Aaliyah Kims: the feed's, with no date of birth, goes to review.
        #expect(try workspace.run(["roster", "import", try Fixtures.rosterWithNamesake(in: workspace.directory.path)]).status == 0)
        let pull = try workspace.pull(server, ["--since", "2026-01-05", "--until", "2026-01-11"])
        #expect(pull.status == 0, "\(pull.stderr)")

        let all = try json(try workspace.run(["results", "--format", "json"]))
        let ava = try #require(all.first { $0["candidate_id"] as? String == "aobrien08" })
        #expect(ava["student_id"] as? String == "S100100")
        #expect(ava["match_status"] as? String == "matched")
        #expect(ava["match_method"] as? String == "student_id")
        #expect(ava["match_score"] as? Double != nil)
        let fields = try #require(ava["field_agreement"] as? [String: Any])
        #expect(fields["first_name"] as? String == "exact")
        #expect(fields["date_of_birth"] as? String == "exact")
        #expect(ava["first_name"] == nil && ava["date_of_birth"] == nil)  // no personal values printed

        let open = try json(try workspace.run(["results", "--unmatched", "--format", "json"]))
        #expect(!open.isEmpty)
        #expect(open.allSatisfy { ["review", "unmatched"].contains($0["match_status"] as? String) })
        let aaliyah = try #require(open.first { $0["candidate_id"] as? String == "akim09" })
        let candidates = try #require(aaliyah["candidates"] as? [[String: Any]])
        #expect(candidates.contains { $0["student_id"] as? String == "S100112" })
        let id = try #require(aaliyah["id"] as? Int)

        let link = try workspace.run(["--actor", "ms.rivera", "match", "link", "\(id)", "S100112", "--comment", "sign-in sheet"])
        #expect(link.status == 0, "\(link.stderr)")
        let after = try json(try workspace.run(["results", "--format", "json"])).first { $0["id"] as? Int == id }
        #expect(after?["match_status"] as? String == "confirmed")
        #expect(after?["student_id"] as? String == "S100112")
        #expect(try workspace.scalar("SELECT actor FROM audit_events WHERE action = 'match.link'").string == "ms.rivera")

        let bad = try workspace.run(["match", "link", "abc", "S1"])
        #expect(bad.status == 2)
        let missing = try workspace.run(["match", "reject", "424242"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no result 424242"))
    }
    /// Each run keeps the parameters it learned; `match parameters` shows them, and every decision
    /// carries its run and match probability; staff links feed the next run's check.
    @Test func matchParametersAreKeptWithTheRun() throws {
        let workspace = try PullTests.Workspace()
        let server = try MockServeProcess(directory: Fixtures.path("mocks/feeds"))
        #expect(try workspace.run(["roster", "import", try Fixtures.rosterWithNamesake(in: workspace.directory.path)]).status == 0)
        #expect(try workspace.run(["match", "parameters"]).stderr.contains("no matching run yet"))
        let pull = try workspace.pull(server, ["--since", "2026-01-05", "--until", "2026-01-11"])
        #expect(pull.status == 0, "\(pull.stderr)")

        #expect(try workspace.scalar("SELECT COUNT(*) FROM matches WHERE run_id IS NULL OR probability IS NULL").int == 0)
        let results = try json(try workspace.run(["results", "--format", "json"]))
        #expect(results.allSatisfy { ($0["match_probability"] as? Double).map { $0 >= 0 && $0 <= 1 } ?? false })

        let table = try workspace.run(["match", "parameters"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("matching run 1:"))
        #expect(table.stdout.contains("date_of_birth  swapped_day_month"))
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(try workspace.run(["--format", "json", "match", "parameters", "--run", "1"]).stdout.utf8))
                as? [String: Any])
        let parameters = try #require(document["parameters"] as? [String: Any])
        let levels = try #require(parameters["levels"] as? [String: [String: [String: Double]]])
        let exact = try #require(levels["date_of_birth"]?["exact"])
        #expect((exact["m"] ?? 0) > 0.5 && (exact["u"] ?? 1) < 0.05)
        #expect((document["training"] as? [String: Any])?["results"] as? Int == 19)

        // A staff link is a labelled pair the next run learns from and checks itself against.
        let review = try #require(results.first { $0["match_status"] as? String == "review" }?["id"] as? Int)
        #expect(try workspace.run(["match", "link", "\(review)", "S100112"]).status == 0)
        let next = try workspace.pull(server, ["--since", "2026-01-08", "--until", "2026-01-18"])
        #expect(next.status == 0, "\(next.stderr)")
        let latest = try workspace.run(["match", "parameters"])
        #expect(latest.stdout.contains("1 of 1 link(s)"), "\(latest.stdout)")

        let unknown = try workspace.run(["match", "parameters", "--run", "999"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no matching run 999"))
        #expect(try workspace.run(["match", "parameters", "--run", "x"]).status == 2)
    }
}
