import Foundation
import Store
import TestSupport
import Testing

/// The real binary pulling from `certgate mock serve` over loopback.
@Suite struct PullTests {
    /// A temporary working folder with a config and a database, and a way to run certgate in it.
    struct Workspace {
        let directory: TemporaryDirectory
        let config: String
        let database: String

        init(_ change: (inout [String: Any]) -> Void = { _ in }) throws {
            directory = try TemporaryDirectory()
            database = try TestDatabase.location(in: directory)
            config = try TestConfig.make(in: directory, change)
        }

        func run(_ arguments: [String], environment: [String: String] = TestConfig.credentials, input: String? = nil) throws
            -> CertgateProcess.Outcome
        {
            try CertgateProcess.run(
                ["--db", database, "--config", config] + arguments, in: directory.path, environment: environment, input: input)
        }

        func pull(_ server: MockServeProcess, _ extra: [String]) throws -> CertgateProcess.Outcome {
            try run(
                ["pull", "--base-url", "certiport=\(server.baseURL)/certiport", "--base-url",
                 "servsafe=\(server.baseURL)/servsafe", "--format", "json"] + extra)
        }

        func scalar(_ sql: String) throws -> SQLValue {
            try Database(location: database).read { try $0.scalar(sql) }
        }

        func rows(_ sql: String) throws -> [SQLRow] {
            try Database(location: database).read { try $0.query(sql) }
        }
    }

    /// The per-provider summaries of a `--format json` pull.
    func summaries(_ outcome: CertgateProcess.Outcome) throws -> [String: [String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let list = try #require(document["providers"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["provider"] as! String, $0) })
    }

    @Test func weeklyPullsStoreTheFeedsAndARerunAddsNothing() throws {
        let workspace = try Workspace()
        let server = try MockServeProcess(directory: Fixtures.path("mocks/feeds"))
        let week1 = try workspace.pull(server, ["--since", "2026-01-05", "--until", "2026-01-11"])
        #expect(week1.status == 0, "\(week1.stderr)")
        let first = try summaries(week1)
        #expect(first["certiport"]?["new"] as? Int == 12)
        #expect(first["certiport"]?["rejected"] as? Int == 1)
        #expect(first["servsafe"]?["new"] as? Int == 7)
        #expect(first["servsafe"]?["rejected"] as? Int == 1)

        // Stored values are those of the feed, read from the row itself (passing score included).
        let ava = try #require(
            try workspace.rows("SELECT * FROM exam_results WHERE provider_id = 'certiport' AND candidate_id = 'aobrien08'").first)
        #expect(ava["last_name"].string == "O'Brien")
        #expect(ava["attempted_at"].string == "2026-01-06T09:15:00-05:00")
        #expect(ava["score"].double == 812)
        #expect(ava["passing_score"].double == 700)
        #expect(ava["outcome"].string == "pass")
        #expect(ava["certificate_number"].string == "wNMEx-2FNW")
        #expect(ava["source_page"].int == 1)
        let photoshop = try workspace.scalar("SELECT passing_score FROM exam_results WHERE candidate_id = 'iwilliams'")
        #expect(photoshop.double == 650)
        let smith = try workspace.scalar("SELECT last_name FROM exam_results WHERE candidate_id = 'ssmithjr'")
        #expect(smith.string == "Smith, Jr.")
        let manager = try #require(
            try workspace.rows("SELECT * FROM exam_results WHERE record_key = 'SS-24001|SSU-100200'").first)
        #expect(manager["score"].double == 85)
        #expect(manager["passing_score"].double == 75)
        #expect(manager["expires_on"].string == "2031-01-06")
        #expect(manager["proctor"].string == "Okafor, Daniel")
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results WHERE record_key = 'SS-24002|sheet:B-0112'").int == 1)
        #expect(try workspace.scalar("SELECT cursor FROM pull_cursors WHERE provider_id = 'certiport'").string == "2026-01-11")

        // The same week again: nothing new, nothing duplicated.
        let again = try summaries(try workspace.pull(server, ["--since", "2026-01-05", "--until", "2026-01-11"]))
        #expect(again["certiport"]?["new"] as? Int == 0)
        #expect(again["certiport"]?["unchanged"] as? Int == 12)
        #expect(again["servsafe"]?["unchanged"] as? Int == 7)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results").int == 19)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM rejected_records").int == 2)

        // Week 2 starts from the stored cursor less three days of overlap: 2026-01-08, which is
        // the only window the recorded feed answers. One record changed (a certificate code came).
        let week2 = try workspace.pull(server, ["--until", "2026-01-18"])
        #expect(week2.status == 0, "\(week2.stderr)")
        let second = try summaries(week2)
        #expect(second["certiport"]?["from"] as? String == "2026-01-08")
        #expect(second["certiport"]?["updated"] as? Int == 1)
        #expect(second["certiport"]?["unchanged"] as? Int == 1)
        #expect(second["servsafe"]?["from"] as? String == "2026-01-08")
        let audit = try workspace.rows("SELECT before_json, after_json FROM audit_events WHERE action = 'result.update'")
        #expect(audit.map { $0["after_json"].string } == [#"{"certificate_number":"Rr4Ty-9PLM"}"#])
    }

    @Test func fileImportEqualsTheFetchedImport() throws {
        let fetched = try Workspace()
        let server = try MockServeProcess(directory: Fixtures.path("mocks/feeds"))
        _ = try fetched.pull(server, ["--provider", "certiport", "--since", "2026-01-15", "--until", "2026-01-25"])
        let imported = try Workspace()
        for page in ["week3-page1.csv", "week3-page2.csv"] {
            let outcome = try imported.run(["import", "--provider", "certiport", Fixtures.path("mocks/feeds/certiport/\(page)")])
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        let columns = "provider_id, record_key, candidate_id, first_name, last_name, date_of_birth, email, exam_code, attempted_at, score, passing_score, outcome, certificate_number, proctor, testing_site, content_hash"
        let query = "SELECT \(columns) FROM exam_results ORDER BY record_key"
        let a = try fetched.rows(query).map(\.values)
        let b = try imported.rows(query).map(\.values)
        #expect(a.count == 6)
        #expect(a == b)
    }

    @Test func servSafeFileImport() throws {
        let workspace = try Workspace()
        let export = try workspace.directory.write(
            "export.json",
            #"""
            [{"session": {"sessionId": "SS-9", "examType": "MANAGER", "examDate": "2026-02-03", "updatedAt": "2026-02-04T10:00:00Z",
                          "proctor": {"id": "P1", "name": "Lindqvist, Greta"}, "location": {"id": "L1", "name": "Central"}},
              "scoreList": {"sessionId": "SS-9", "passingPercent": 70,
                            "examinees": [{"servsafeUserId": "U1", "answerSheetNumber": "S1", "firstName": "Ana", "lastName": "Diaz",
                                           "email": null, "dateOfBirth": null, "scoredQuestions": 80, "correct": 57, "result": "PASS",
                                           "certificateNumber": "CM-1", "certificateExpires": "2031-02-03"}]}}]
            """#)
        let outcome = try workspace.run(["import", "--provider", "servsafe", export, "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let row = try #require(try workspace.rows("SELECT score, passing_score, outcome FROM exam_results").first)
        #expect(row["score"].double == 71.3)
        #expect(row["passing_score"].double == 70)
        let bad = try workspace.directory.write("bad.json", "{\"not\": \"a session\"}")
        let failed = try workspace.run(["import", "--provider", "servsafe", bad])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("bad.json: not a ServSafe session export"))
    }

    /// Each fault: the provider fails with a clear error naming it and the cause, nothing of it is
    /// stored, its cursor stays, and the other provider is still pulled.
    @Test(arguments: [
        ("mocks/faults/html-login", "certiport", "sent an HTML page instead of a CSV report"),
        ("mocks/faults/truncated-report", "certiport", "page 1 of 1 looks cut short: it stops at line 3 inside a quoted field"),
        ("mocks/faults/cut-short-page", "certiport", "page 2 of 4 looks cut short: it stops at line 4 in the middle of a row"),
        ("mocks/faults/short-page-rows", "certiport", "page 2 of 3 looks cut short: it holds 2 rows where a full page holds 5"),
        ("mocks/faults/auth-failure", "certiport", "HTTP 401"),
        ("mocks/faults/server-errors", "certiport", "HTTP 503"),
        ("mocks/faults/connection-reset", "certiport", "connection lost"),
        ("mocks/faults/missing-columns", "certiport", "no column for a required field"),
        ("mocks/faults/servsafe-malformed-json", "servsafe", "not an exam-session list"),
        ("mocks/faults/servsafe-cut-json", "servsafe", "session list page 1 looks cut short: the JSON stops after"),
        ("mocks/faults/servsafe-bad-credentials", "servsafe", "refused the client credentials"),
    ])
    func faultFailsOnlyThatProvider(cassette: String, failing: String, message: String) throws {
        let workspace = try Workspace()
        let healthy = failing == "certiport" ? "mocks/feeds/servsafe" : "mocks/feeds/certiport"
        let server = try MockServeProcess(directory: try TestConfig.feeds(in: workspace.directory, [cassette, healthy]))
        // A first good pull of the healthy provider sets its cursor; the failing one has none.
        let outcome = try workspace.pull(server, ["--since", "2026-01-05", "--until", "2026-01-11"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("certgate: \(failing) failed: "))
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
        let summary = try summaries(outcome)
        #expect(summary[failing]?["status"] as? String == "failed")
        let other = failing == "certiport" ? "servsafe" : "certiport"
        #expect(summary[other]?["status"] as? String == "succeeded")
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results WHERE provider_id = '\(failing)'").int == 0)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM pull_cursors WHERE provider_id = '\(failing)'").int == 0)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM pull_cursors WHERE provider_id = '\(other)'").int == 1)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM pull_runs WHERE provider_id = '\(failing)' AND status = 'failed'").int == 1)
        #expect(!outcome.stderr.contains("test-token") && !outcome.stderr.contains("test-secret"))
    }

    /// A page cut short once is fetched again and the pull stores every row.
    @Test func pageCutShortOnceIsFetchedAgain() throws {
        let workspace = try Workspace()
        let server = try MockServeProcess(directory: Fixtures.path("mocks/faults/cut-short-once"))
        let outcome = try workspace.pull(server, ["--provider", "certiport", "--since", "2026-01-05", "--until", "2026-01-11"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try summaries(outcome)["certiport"]?["new"] as? Int == 13)
        #expect(try summaries(outcome)["certiport"]?["rejected"] as? Int == 0)
        #expect(outcome.stderr.contains("cut short, fetching again"))
    }

    /// A hand-exported file that stops mid-record stores nothing and says where it stops.
    @Test func importOfAFileCutOffStoresNothing() throws {
        let workspace = try Workspace()
        let whole = try workspace.directory.write(
            "whole.csv",
            "Candidate ID,First Name,Last Name,Exam Code,Exam Date,Result\r\nc1,Ana,Diaz,MO-200,01/06/2026 09:15 AM,Pass\r\n")
        #expect(try workspace.run(["import", "--provider", "certiport", whole]).status == 0)
        let cut = try workspace.directory.write(
            "cut.csv",
            "Candidate ID,First Name,Last Name,Exam Code,Exam Date,Result\r\nc2,Bo,Ng,MO-200,01/07/2026 09:15 AM,Pass\r\n"
                + "c3,Cy,Lu,MO-100,01/07/2026 10:00 AM,Pass\r\nc4,Di,Ra,MO-2")
        let outcome = try workspace.run(["import", "--provider", "certiport", cut])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("cut.csv:4: the file looks cut off at line 4"), "\(outcome.stderr)")
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results").int == 1)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM rejected_records").int == 0)
        // A file whose last row is whole but has no line end is not cut off.
        let unterminated = try workspace.directory.write(
            "unterminated.csv", "Candidate ID,First Name,Last Name,Exam Code,Exam Date,Result\r\nc5,Ed,Wu,MO-200,01/08/2026 09:15 AM,Pass")
        #expect(try workspace.run(["import", "--provider", "certiport", unterminated]).status == 0)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results").int == 2)
    }

    @Test func missingCredentialFailsThatProviderNamingTheVariable() throws {
        let workspace = try Workspace()
        let server = try MockServeProcess(directory: Fixtures.path("mocks/feeds"))
        var environment = TestConfig.credentials
        environment["CERTGATE_CERTIPORT_TOKEN"] = ""
        let outcome = try workspace.run(
            ["pull", "--since", "2026-01-05", "--until", "2026-01-11", "--base-url", "certiport=\(server.baseURL)/certiport",
             "--base-url", "servsafe=\(server.baseURL)/servsafe"], environment: environment)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("the environment variable CERTGATE_CERTIPORT_TOKEN is not set"))
        #expect(outcome.stdout.contains("servsafe   succeeded"))
    }

    /// Two pulls on one database never interleave, even when the second names it by another path (a symlink).
    @Test func twoPullsNeverInterleave() throws {
        let workspace = try Workspace()
        #expect(try workspace.run(["tasks"]).status == 0)  // creates the database
        // SQLite: the same file by another path; PostgreSQL: the same database from another process.
        let link = TestDatabase.isPostgreSQL ? workspace.database : workspace.directory.file("link-to-certgate.db")
        if !TestDatabase.isPostgreSQL { try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: workspace.database) }
        let server = try MockServeProcess(directory: Fixtures.path("mocks/faults/slow-report"))
        let pull = ["--config", workspace.config, "pull", "--provider", "certiport", "--since", "2026-01-05", "--until", "2026-01-11",
                    "--base-url", "certiport=\(server.baseURL)/certiport"]
        let first = try CertgateProcess.start(["--db", workspace.database] + pull, environment: TestConfig.credentials)
        Thread.sleep(forTimeInterval: 1)  // the first is now waiting on the slow server
        let second = try CertgateProcess.run(["--db", link] + pull, in: workspace.directory.path, environment: TestConfig.credentials)
        first.waitUntilExit()
        #expect(second.status == 1)
        #expect(second.stderr.contains(TestDatabase.isPostgreSQL ? "a pull of certiport is already running" : "another pull is already running on this database"))
        #expect(first.terminationStatus == 0)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results").int == 1)
    }

    @Test func recordedThenReplayedPullGivesTheSameResultsWithoutRealNames() throws {
        let workspace = try Workspace()
        let original = try MockServeProcess(directory: Fixtures.path("mocks/feeds"))
        let recorded = workspace.directory.file("recorded")
        for provider in ["certiport", "servsafe"] {
            let outcome = try workspace.run(
                ["mock", "record", "--provider", provider, "--out", "\(recorded)/\(provider)", "--since", "2026-01-05", "--until",
                 "2026-01-11", "--base-url", "\(provider)=\(original.baseURL)/\(provider)"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        // No real name, email, date of birth, candidate ID or secret in anything written.
        let written = try FileManager.default.subpathsOfDirectory(atPath: recorded).compactMap {
            FileManager.default.contents(atPath: "\(recorded)/\($0)").map { String(decoding: $0, as: UTF8.self) }
        }.joined()
        for real in ["O'Brien", "García-López", "Smith, Jr.", "José", "ava.0@students", "aobrien08",
                     "SSU-100200", "Okafor", "wNMEx-2FNW", "mock-access-token", "test-token", "test-secret"] {
            #expect(!written.contains(real), "\(real) leaked into the recording")
        }
        // A fake birthday may by chance be another student's real one, so Ava's own row is
        // checked: found by its exam time and score, which are kept.
        let ava = try #require(written.split(whereSeparator: \.isNewline).first { $0.contains("01/06/2026 09:15 AM,812") })
        #expect(!ava.contains("07/21/2008"))
        #expect(!written.isEmpty)

        let direct = try Workspace()
        _ = try direct.pull(original, ["--since", "2026-01-05", "--until", "2026-01-11"])
        let replay = try MockServeProcess(directory: recorded)
        let replayed = try workspace.pull(replay, ["--since", "2026-01-05", "--until", "2026-01-11"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        let shape = "SELECT provider_id, exam_code, attempted_at, score, passing_score, outcome, expires_on FROM exam_results ORDER BY 1, 3, 2, 4"
        #expect(try workspace.rows(shape).map(\.values) == direct.rows(shape).map(\.values))
        #expect(try workspace.scalar("SELECT COUNT(*) FROM rejected_records").int == 2)
        // The same person keeps one pseudonym: the retaken exam is still one candidate.
        let names = try workspace.rows("SELECT DISTINCT candidate_id FROM exam_results WHERE provider_id = 'certiport'")
        #expect(names.count == 12)
    }
}

/// Faults that need a setting changed (a short stall limit, a small size cap) or no server at all.
@Suite struct PullConfigFaultTests {
    @Test(arguments: [
        ("stalled", "timed out"), ("oversized", "response too large"), ("dns", "host name did not resolve"),
    ])
    func faultFailsOnlyCertiport(fault: String, message: String) throws {
        let workspace = try PullTests.Workspace { config in
            var http = config["http"] as! [String: Any]
            http["max_attempts"] = 2
            http["low_speed_seconds"] = 1
            http["low_speed_bytes_per_second"] = 100
            if fault == "oversized" { http["max_response_bytes"] = 1_000_000 }
            config["http"] = http
        }
        let cassettes = fault == "stalled" ? ["mocks/faults/stalled-report", "mocks/feeds/servsafe"] : ["mocks/feeds/servsafe"]
        let feeds = try TestConfig.feeds(in: workspace.directory, cassettes)
        if fault == "oversized" {
            // A 2 MB report page against a 1 MB cap.
            let big = "Candidate ID,Exam Code,Exam Date,Result\r\n" + String(repeating: "c1,MO-200,01/06/2026 09:15 AM,Pass\r\n", count: 60_000)
            try FileManager.default.createDirectory(atPath: feeds + "/big", withIntermediateDirectories: true)
            try big.write(toFile: feeds + "/big/page.csv", atomically: true, encoding: .utf8)
            try #"{"interactions": [{"request": {"path": "/certiport/exam-results"}, "responses": [{"headers": {"X-Total-Pages": "1"}, "body_file": "page.csv"}]}]}"#
                .write(toFile: feeds + "/big/cassette.json", atomically: true, encoding: .utf8)
        }
        let server = try MockServeProcess(directory: feeds)
        let certiport = fault == "dns" ? "http://certgate-provider.invalid/certiport" : "\(server.baseURL)/certiport"
        let started = Date()
        let outcome = try workspace.run(
            ["pull", "--since", "2026-01-05", "--until", "2026-01-11", "--base-url", "certiport=\(certiport)", "--base-url",
             "servsafe=\(server.baseURL)/servsafe"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("certgate: certiport failed: \(message)"), "\(outcome.stderr)")
        #expect(outcome.stdout.contains("servsafe   succeeded"))
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results WHERE provider_id = 'certiport'").int == 0)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM pull_cursors WHERE provider_id = 'certiport'").int == 0)
        #expect(Date().timeIntervalSince(started) < 25)  // a stall is cut off, not waited out
    }
}
