import AdapterKit
import CertGateCore
import Foundation
import Gateway
import MockProvider
import Store
import TestSupport
import Testing

/// Matching as staff meet it: after pulls, review tasks, staff decisions, roster re-imports.
@Suite struct MatchingFlowTests {
    struct Setup {
        let directory: TemporaryDirectory
        let gateway: Gateway
        let server: LoopbackServer

        init() throws {
            directory = try TemporaryDirectory()
            gateway = try Gateway(
                databaseLocation: try TestDatabase.location(in: directory), configDirectory: try TestConfig.make(in: directory), actor: "clerk")
            let player = CassettePlayer(cassettes: try Cassette.loadAll(directory: Fixtures.path("mocks/feeds")))
            server = try LoopbackServer(handler: player.respond)
        }

        func pullWeek1() throws -> PullReport {
            var options = PullOptions()
            options.since = CalendarDate(parsing: "2026-01-05")
            options.until = CalendarDate(parsing: "2026-01-11")
            options.baseURLs = ["certiport": server.baseURL + "/certiport", "servsafe": server.baseURL + "/servsafe"]
            options.environment = TestConfig.credentials
            return try gateway.pull(options)
        }

        func match(_ candidate: String, provider: String = "certiport") throws -> SQLRow? {
            try gateway.database.read {
                try $0.query(
                    """
                    SELECT r.id, m.* FROM exam_results r JOIN matches m ON m.result_id = r.id
                    WHERE r.provider_id = ? AND r.candidate_id = ? ORDER BY r.id
                    """, [provider, candidate]
                ).first
            }
        }

        func openTasks(_ resultID: Int) throws -> [String] {
            try gateway.database.read {
                try $0.query("SELECT kind FROM tasks WHERE subject_type = 'exam_result' AND subject_id = ? AND status = 'open'", ["\(resultID)"])
            }.compactMap { $0["kind"].string }
        }
    }

    /// The typed queries the command line and the console share read back what matching wrote:
    /// statuses, probabilities, each field's agreement and the candidates of a result in review.
    @Test func typedQueriesReadWhatMatchingWrote() throws {
        let setup = try Setup()
        _ = try setup.gateway.importRoster(rosterPath: try Fixtures.rosterWithNamesake(in: setup.directory.path))
        _ = try setup.pullWeek1()
        let results = try setup.gateway.results()
        #expect(results.count == 19)
        let aaliyah = try #require(results.first { $0.candidateID == "akim09" })
        #expect(aaliyah.matchStatus == .review)
        let candidates = aaliyah.candidates ?? []
        #expect(Set(candidates.map(\.studentID)).isSuperset(of: ["S100112", "S100190"]))
        #expect(candidates.allSatisfy { $0.probability > 0 && $0.probability < 1 })
        #expect(aaliyah.fieldAgreement?.lastName == .exact && aaliyah.fieldAgreement?.dateOfBirth == .missing)
        #expect(results.filter { $0.matchStatus == .matched }.allSatisfy { $0.fieldAgreement != nil && $0.candidates == nil })
        #expect(results.allSatisfy { ($0.matchProbability ?? -1) >= 0 })
        let undecided = try setup.gateway.results(undecided: true)
        #expect(!undecided.isEmpty && undecided.allSatisfy { $0.matchStatus == .review || $0.matchStatus == .unmatched })
        #expect(try setup.gateway.results(provider: "servsafe").allSatisfy { $0.providerID == "servsafe" })

        let reviews = try setup.gateway.tasks(TaskFilter(kind: .matchReview))
        #expect(reviews.contains { $0.subjectID == "\(aaliyah.id)" && $0.assigneeRole == .dataClerk && $0.status == .open })
        #expect(try setup.gateway.taskCounts().first { $0.kind == .matchReview }?.count == reviews.count)
        // Paging on the server returns the same tasks as the whole list, in the same order.
        let all = try setup.gateway.tasks()
        #expect(all.count >= 3)
        #expect(try setup.gateway.tasks(limit: 2, offset: 1).map(\.id) == all[1..<3].map(\.id))
        #expect(try setup.gateway.taskCounts().reduce(0) { $0 + $1.count } == all.count)
    }

    @Test func pullMatchesAndOpensReviewTasks() throws {
        let setup = try Setup()
        let roster = try Fixtures.rosterWithNamesake(in: setup.directory.path)
        _ = try setup.gateway.importRoster(rosterPath: roster, enrollmentsPath: Fixtures.path("mocks/roster/enrollments.csv"))
        let report = try setup.pullWeek1()
        #expect(report.matching.considered == 19)
        #expect(report.matching.matched + report.matching.review + report.matching.unmatched == 19)
        // Ava carries her student ID, and her name agrees.
        let ava = try #require(try setup.match("aobrien08"))
        #expect(ava["student_id"].string == "S100100")
        #expect(ava["method"].string == "student_id")
        // Daniel Kim has a twin with the same birthday: the right twin is matched.
        #expect(try setup.match("dkim09")?["student_id"].string == "S100111")
        // Aaliyah Kim gave neither date of birth nor email, and the roster has two: a person decides.
        let aaliyah = try #require(try setup.match("akim09"))
        #expect(aaliyah["status"].string == "review")
        let resultID = try #require(aaliyah["result_id"].int)
        #expect(try setup.openTasks(resultID) == ["match_review"])
        let explanation = try setup.gateway.database.read {
            try $0.scalar("SELECT explanation FROM tasks WHERE subject_id = ?", ["\(resultID)"]).string
        } ?? ""
        #expect(explanation.contains("S100112"))
        #expect(!explanation.contains("Aaliyah"))

        // Staff decide; the task resolves and the decision survives every later run.
        _ = try setup.gateway.linkResult(resultID, to: "S100112", note: "checked the sign-in sheet")
        #expect(try setup.openTasks(resultID).isEmpty)
        #expect(try setup.match("akim09")?["status"].string == "confirmed")
        _ = try setup.pullWeek1()
        _ = try setup.gateway.importRoster(rosterPath: roster)
        #expect(try setup.match("akim09")?["student_id"].string == "S100112")
        #expect(try setup.match("akim09")?["status"].string == "confirmed")
        let link = try setup.gateway.database.read {
            try $0.query("SELECT student_id, source FROM candidate_links WHERE candidate_id = 'akim09'").first
        }
        #expect(link?["source"].string == "staff")
        let audit = try setup.gateway.database.read {
            try $0.query("SELECT actor, before_json, after_json FROM audit_events WHERE action = 'match.link'").first
        }
        #expect(audit?["actor"].string == "clerk")
        #expect(audit?["after_json"].string?.contains("confirmed") == true)
    }

    @Test func resultsWithoutARosterAreUnmatchedUntilTheRosterArrives() throws {
        let setup = try Setup()
        let first = try setup.pullWeek1()
        #expect(first.matching.unmatched == 19)
        let unmatchedTasks = try setup.gateway.database.read {
            try $0.scalar("SELECT COUNT(*) FROM tasks WHERE kind = 'unmatched_result' AND status = 'open'").int
        }
        #expect(unmatchedTasks == 19)
        // Someone rejects one result before the roster comes: it must stay rejected.
        let rejected = try #require(try setup.match("mjones")?["result_id"].int)
        try setup.gateway.rejectResult(rejected, note: "adult education candidate")

        let summary = try setup.gateway.importRoster(rosterPath: Fixtures.path("mocks/roster/roster.csv"))
        #expect(summary.matching?.considered == 18)  // the rejected one is staff's decision
        #expect(try setup.match("aobrien08")?["status"].string == "matched")
        #expect(try setup.match("mjones")?["status"].string == "rejected")
        let stillOpen = try setup.gateway.database.read {
            try $0.scalar("SELECT COUNT(*) FROM tasks WHERE kind = 'unmatched_result' AND status = 'open'").int
        }
        #expect(stillOpen == 0)
        let resolved = try setup.gateway.database.read {
            try $0.query("SELECT resolution_note FROM tasks WHERE kind = 'unmatched_result' AND status = 'resolved'")
        }
        #expect(resolved.count == 19)
    }

    @Test func confidentMatchesTeachLinksAndStaffCanUndoThem() throws {
        let setup = try Setup()
        _ = try setup.gateway.importRoster(rosterPath: Fixtures.path("mocks/roster/roster.csv"))
        _ = try setup.pullWeek1()
        let learned = try setup.gateway.database.read {
            try $0.query("SELECT student_id, source FROM candidate_links WHERE candidate_id = 'lgarcialopez'").first
        }
        #expect(learned?["student_id"].string == "S100101")
        #expect(learned?["source"].string == "auto")
        let resultID = try #require(try setup.match("lgarcialopez")?["result_id"].int)
        try setup.gateway.rejectResult(resultID)
        let after = try setup.gateway.database.read {
            try $0.scalar("SELECT COUNT(*) FROM candidate_links WHERE candidate_id = 'lgarcialopez'").int
        }
        #expect(after == 0)
    }

    @Test func staffDecisionsNameUnknownIDs() throws {
        let setup = try Setup()
        _ = try setup.gateway.importRoster(rosterPath: Fixtures.path("mocks/roster/roster.csv"))
        _ = try setup.pullWeek1()
        #expect { try setup.gateway.linkResult(99_999, to: "S100100") } throws: { "\($0)".contains("no result 99999") }
        let resultID = try #require(try setup.match("aobrien08")?["result_id"].int)
        #expect { try setup.gateway.linkResult(resultID, to: "S000000") } throws: { "\($0)".contains("no student S000000") }
    }
}
