import CertGateCore
@testable import Console
import Fetch
import Foundation
import Gateway
import MockProvider
import TestSupport
import Spreadsheet
import Testing

/// The web console over real HTTP on 127.0.0.1 (libmicrohttpd), driven by our own libcurl client
/// as a browser would: sign-in, sessions, CSRF, per-user and per-object authorization.
@Suite(.serialized) struct ConsoleTests {
    static let password = "correct horse battery staple"

    /// A district after week 1's pull: roster, enrollments, results, tasks; five accounts.
    final class District: @unchecked Sendable {
        let directory: TemporaryDirectory
        let gateway: Gateway
        let server: HTTPServer
        let client: HTTPClient
        /// The providers' recorded feeds ("Pull now" pulls week 2 from them).
        let feeds: LoopbackServer
        var base: String { "http://127.0.0.1:\(server.port)" }

        init(idleMinutes: Double = 30, maximumBodyBytes: Int = 1 << 20) throws {
            directory = try TemporaryDirectory()
            gateway = try Gateway(
                databaseLocation: try TestDatabase.location(in: directory), configDirectory: try TestConfig.make(in: directory), actor: "setup")
            // Two Aaliyah Kims: week 1's, with no date of birth, waits for a clerk.
            _ = try gateway.importRoster(
                rosterPath: try Fixtures.rosterWithNamesake(in: directory.path), enrollmentsPath: Fixtures.path("mocks/roster/enrollments.csv"))
            feeds = try LoopbackServer(
                handler: CassettePlayer(cassettes: try Cassette.loadAll(directory: Fixtures.path("mocks/feeds"))).respond)
            var pull = PullOptions()
            pull.since = CalendarDate(parsing: "2026-01-05")
            pull.until = CalendarDate(parsing: "2026-01-11")
            pull.baseURLs = ["certiport": feeds.baseURL + "/certiport", "servsafe": feeds.baseURL + "/servsafe"]
            pull.environment = TestConfig.credentials
            _ = try gateway.pull(pull)
            for (name, role, schools, teacher) in [
                ("coord", StaffRole.cteCoordinator, [String](), String?.none), ("rivera", .cteTeacher, [], "Rivera, Ana"),
                ("lead", .schoolLead, ["Central High School"], nil), ("audit", .auditor, [], nil), ("clerk", .dataClerk, [], nil),
            ] {
                try gateway.addUser(NewUser(username: name, role: role, schools: schools, teacherName: teacher), password: ConsoleTests.password)
            }
            var week2 = pull
            week2.since = nil  // from the cursor, as the weekly job does
            week2.until = CalendarDate(parsing: "2026-01-18")
            let app = ConsoleApp(gateway: gateway, idleMinutes: idleMinutes, pullOptions: week2)
            var options = HTTPServer.Options()
            options.port = 0
            options.maximumBodyBytes = maximumBodyBytes
            server = try app.serve(options)
            var clientOptions = HTTPClient.Options()
            clientOptions.followRedirects = false
            clientOptions.retry.maxAttempts = 1
            clientOptions.errorStatusesAreResponses = true
            client = HTTPClient(options: clientOptions)
        }

        /// A request with the session cookie; 4xx answers come back as responses with their status.
        func send(_ method: HTTPRequest.Method, _ path: String, form: [String: String]? = nil, session: String? = nil) -> HTTPResponse {
            var headers: [(name: String, value: String)] = []
            if let session { headers.append(("Cookie", "certgate_session=\(session)")) }
            var body: [UInt8]?
            if let form {
                headers.append(("Content-Type", "application/x-www-form-urlencoded"))
                body = Array(form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                    .joined(separator: "&").utf8)
            }
            do {
                return try client.send(HTTPRequest(method: method, url: base + path, headers: headers, body: body))
            } catch {
                return HTTPResponse(status: -1, headers: [:], body: Array("\(error)".utf8), url: path, attempts: 1)
            }
        }

        /// Signs in; the session token.
        func signIn(_ username: String, password: String = ConsoleTests.password) throws -> String {
            let response = send(.post, "/login", form: ["username": username, "password": password])
            #expect(response.status == 303, "sign-in of \(username): \(response.status)")
            let cookie = try #require(response.header("Set-Cookie"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            return String(try #require(cookie.split(separator: ";").first?.split(separator: "=").last))
        }

        func page(_ path: String, session: String) -> String {
            String(decoding: send(.get, path, session: session).body, as: UTF8.self)
        }

        func csrf(_ session: String) throws -> String {
            let html = page("/tasks", session: session)
            let range = try #require(html.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression))
            return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
        }
    }

    @Test func signInSessionsAndSecurityHeaders() throws {
        let district = try District()
        let anonymous = district.send(.get, "/")
        #expect(anonymous.status == 303 && anonymous.header("Location") == "/login")
        #expect(anonymous.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
        #expect(anonymous.header("X-Content-Type-Options") == "nosniff")
        #expect(district.send(.get, "/login").status == 200)

        #expect(district.send(.post, "/login", form: ["username": "coord", "password": "wrong password!"]).status == 401)
        #expect(district.send(.post, "/login", form: ["username": "nobody", "password": Self.password]).status == 401)
        let session = try district.signIn("coord")
        #expect(district.page("/", session: session).contains("course_mismatch"))
        // Filters are applied on the server.
        let filtered = district.page("/tasks?kind=course_mismatch", session: session)
        #expect(filtered.contains(#"data-label="Kind">course_mismatch</td>"#) && !filtered.contains(#"data-label="Kind">proctor_is_teacher</td>"#))
        #expect(district.send(.get, "/tasks?kind=bogus", session: session).status == 404)
        #expect(district.send(.get, "/", session: "forged" + session.dropFirst(6)).status == 303)

        // Disabling an account ends its sessions at the next request.
        let lead = try district.signIn("lead")
        #expect(district.send(.get, "/", session: lead).status == 200)
        try district.gateway.disableUser("lead")
        #expect(district.send(.get, "/", session: lead).status == 303)
        #expect(district.send(.post, "/login", form: ["username": "lead", "password": Self.password]).status == 401)

        // Signing out ends the session on the server, not only in the browser.
        #expect(district.send(.post, "/logout", form: ["csrf": try district.csrf(session)], session: session).status == 303)
        #expect(district.send(.get, "/", session: session).status == 303)
    }

    @Test func failedSignInsAreRateLimited() throws {
        let district = try District()
        for _ in 0..<5 { #expect(district.send(.post, "/login", form: ["username": "lead", "password": "not the password"]).status == 401) }
        // Locked now, even with the right password.
        #expect(district.send(.post, "/login", form: ["username": "lead", "password": Self.password]).status == 429)
    }

    @Test func anExpiredSessionSignsOut() throws {
        let district = try District(idleMinutes: 0.002)  // 120 ms
        let session = try district.signIn("coord")
        #expect(district.send(.get, "/", session: session).status == 200)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(district.send(.get, "/", session: session).status == 303)
    }

    @Test func eachUserSeesTheirOwnTasksAndActsOnlyOnThem() throws {
        let district = try District()
        let all = try district.gateway.tasks()
        let teachers = try district.gateway.tasks(TaskFilter().visible(to: try #require(try district.gateway.users().first { $0.username == "rivera" })))
        #expect(!teachers.isEmpty && teachers.count < all.count)
        let others = all.filter { task in !teachers.contains { $0.id == task.id } }
        let teacher = try district.signIn("rivera")
        let page = district.page("/tasks", session: teacher)
        #expect(teachers.allSatisfy { page.contains("/tasks/\($0.id)/resolve") })
        #expect(others.allSatisfy { !page.contains("/tasks/\($0.id)/resolve") })

        // Another teacher's task is "not found", CSRF token and all.
        let csrf = try district.csrf(teacher)
        let foreign = try #require(others.first)
        #expect(district.send(.post, "/tasks/\(foreign.id)/resolve", form: ["csrf": csrf, "note": "mine?"], session: teacher).status == 404)
        // A form without the session's CSRF token is refused, and changes nothing.
        let own = try #require(teachers.first)
        #expect(district.send(.post, "/tasks/\(own.id)/resolve", form: ["note": "done"], session: teacher).status == 403)
        #expect(district.send(.post, "/tasks/\(own.id)/resolve", form: ["csrf": String(repeating: "0", count: 64), "note": "done"], session: teacher).status == 403)
        #expect(district.send(.post, "/tasks/\(own.id)/resolve", form: ["csrf": csrf, "note": " "], session: teacher).status == 400)
        #expect(try district.gateway.tasks().contains { $0.id == own.id })
        // With it, the task is resolved and the teacher is the actor in the audit trail.
        let done = district.send(.post, "/tasks/\(own.id)/resolve", form: ["csrf": csrf, "note": "PDF found in the binder"], session: teacher)
        #expect(done.status == 303 && done.header("Location") == "/tasks")
        #expect(try !district.gateway.tasks().contains { $0.id == own.id })
        #expect(try district.gateway.auditHistory(subjectType: "task", subjectID: "\(own.id)").last?.actor == "rivera")

        // A school lead sees their school's tasks only; an auditor sees all and changes nothing.
        let lead = try district.signIn("lead")
        let leadPage = district.page("/tasks", session: lead)
        #expect(try district.gateway.tasks().filter { $0.school != "Central High School" }.allSatisfy { !leadPage.contains("/tasks/\($0.id)/resolve") })
        let auditor = try district.signIn("audit")
        let auditorPage = district.page("/tasks", session: auditor)
        #expect(!auditorPage.contains("/resolve"))
        let remaining = try #require(try district.gateway.tasks().first)
        let auditorCSRF = try district.csrf(auditor)  // from the sign-out form
        #expect(district.send(.post, "/tasks/\(remaining.id)/dismiss", form: ["csrf": auditorCSRF, "note": "no"], session: auditor).status == 404)
        #expect(district.send(.get, "/no/such/page", session: auditor).status == 404)
    }

    @Test func aClerkLinksAResultInReview() throws {
        let district = try District()
        let review = try #require(try district.gateway.results(undecided: true).first { $0.candidateID == "akim09" })
        let teacher = try district.signIn("rivera")
        #expect(district.send(.get, "/matches", session: teacher).status == 404)
        #expect(district.send(.get, "/matches/\(review.id)", session: teacher).status == 404)
        #expect(district.send(.post, "/matches/\(review.id)/link", form: ["csrf": try district.csrf(teacher), "student": "S100112"], session: teacher).status == 404)

        let clerk = try district.signIn("clerk")
        #expect(district.page("/matches", session: clerk).contains("/matches/\(review.id)"))
        let page = district.page("/matches/\(review.id)", session: clerk)
        #expect(page.contains("S100112") && page.contains("S100190") && page.contains("Aaliyah"))
        #expect(page.contains("match probability"))
        let csrf = try district.csrf(clerk)
        // Only a student the page offered: a forged form cannot attach the result to anyone else.
        #expect(district.send(.post, "/matches/\(review.id)/link", form: ["csrf": csrf, "student": "S100100"], session: clerk).status == 404)
        #expect(district.send(.post, "/matches/\(review.id)/reject", form: ["csrf": csrf, "comment": ""], session: clerk).status == 400)
        let linked = district.send(.post, "/matches/\(review.id)/link", form: ["csrf": csrf, "student": "S100112"], session: clerk)
        #expect(linked.status == 303)
        let decided = try #require(try district.gateway.results().first { $0.id == review.id })
        #expect(decided.matchStatus == .confirmed && decided.studentID == "S100112")
        #expect(try district.gateway.auditHistory(subjectType: nil, subjectID: "\(review.id)").contains { $0.action == "match.link" && $0.actor == "clerk" })
        #expect(district.send(.get, "/matches/\(review.id)", session: clerk).status == 404)
    }

    @Test func aSchoolLeadReviewsTheirSchoolsAttainments() throws {
        let district = try District()
        let pending = try district.gateway.attainments(status: .pending)
        let central = try #require(pending.first { $0.school == "Central High School" })
        let elsewhere = try #require(pending.first { $0.school != "Central High School" })
        let teacher = try district.signIn("rivera")
        #expect(district.send(.get, "/review", session: teacher).status == 404)

        let lead = try district.signIn("lead")
        let list = district.page("/review", session: lead)
        #expect(list.contains("/review/\(central.id)\"") && !list.contains("/review/\(elsewhere.id)\""))
        #expect(district.send(.get, "/review/\(elsewhere.id)", session: lead).status == 404)
        let csrf = try district.csrf(lead)
        #expect(district.send(.post, "/review/\(elsewhere.id)", form: ["csrf": csrf, "decision": "approve", "method": "score_report"], session: lead).status == 404)
        #expect(district.send(.post, "/review/\(central.id)", form: ["csrf": csrf, "decision": "approve"], session: lead).status == 400)
        let recorded = district.send(
            .post, "/review/\(central.id)", form: ["csrf": csrf, "decision": "approve", "method": "score_report", "comment": "checked"], session: lead)
        #expect(recorded.status == 303)
        #expect(try district.gateway.attainments(id: central.id).first?.reviewStatus == .approved)
        #expect(try district.gateway.attainments(id: elsewhere.id).first?.reviewStatus == .pending)
        #expect(try district.gateway.auditHistory(subjectType: "attainment", subjectID: "\(central.id)").last?.actor == "lead")
    }

    @Test func aCoordinatorDownloadsThePerkinsFile() throws {
        let district = try District()
        let lead = try district.signIn("lead")
        #expect(district.send(.get, "/exports/download?format=perkins&year=2025-26", session: lead).status == 404)
        let coordinator = try district.signIn("coord")
        #expect(district.page("/exports", session: coordinator).contains("Perkins"))
        let file = district.send(.get, "/exports/download?format=perkins&year=2025-26", session: coordinator)
        #expect(file.status == 200)
        #expect(file.header("Content-Disposition") == "attachment; filename=\"certgate-perkins-2025-26.csv\"")
        #expect(String(decoding: file.body, as: UTF8.self) == (try district.gateway.export(.perkins, year: SchoolYear(startYear: 2025)).text))
        #expect(district.send(.get, "/exports/download?format=nope&year=2025-26", session: coordinator).status == 400)
        #expect(try district.gateway.auditHistory(subjectType: "export", subjectID: "2025-26").contains { $0.actor == "coord" })
        // The pulls page lists week 1's pulls, for coordinators and auditors only.
        let pulls = district.page("/pulls", session: coordinator)
        #expect(pulls.contains(">certiport</td>") && pulls.contains(">servsafe</td>") && pulls.contains("succeeded"))
        #expect(district.send(.get, "/pulls", session: lead).status == 404)
        #expect(district.page("/", session: coordinator).contains("Each provider's last pull"))
        #expect(!district.page("/", session: lead).contains("last pull"))
    }

    /// A teacher opens their own student's page; another teacher's student, or a student of
    /// another school for a lead, is "not found".
    @Test func aStudentPageOnlyForThoseWhoMaySeeTheStudent() throws {
        let district = try District()
        let teacher = try district.signIn("rivera")
        let own = district.send(.get, "/students/S100100", session: teacher)
        #expect(own.status == 200)
        let page = String(decoding: own.body, as: UTF8.self)
        #expect(page.contains("Digital Information Technology") && page.contains("Exam results") && page.contains("MO-200"))
        #expect(district.send(.get, "/students/S100102", session: teacher).status == 404)  // Chen's student
        #expect(district.send(.get, "/students/NOPE", session: teacher).status == 404)
        let lead = try district.signIn("lead")
        #expect(district.send(.get, "/students/S100100", session: lead).status == 200)  // Central High School
        #expect(district.send(.get, "/students/S100102", session: lead).status == 404)  // Riverside
        #expect(district.send(.get, "/students/S100102", session: try district.signIn("audit")).status == 200)
    }

    @Test func anOversizedFormIsRefused() throws {
        let district = try District(maximumBodyBytes: 1024)
        let response = district.send(.post, "/login", form: ["username": "coord", "password": String(repeating: "x", count: 4096)])
        #expect(response.status == 413)
    }

    @Test func aCoordinatorPullsNowAndWatchesItRun() throws {
        let district = try District()
        let coordinator = try district.signIn("coord")
        let before = try district.gateway.pullRuns().count
        let page = district.page("/pulls", session: coordinator)
        #expect(page.contains("Pull now"))
        // Only coordinators pull; the auditor sees the history without the button.
        let auditor = try district.signIn("audit")
        #expect(!district.page("/pulls", session: auditor).contains("Pull now"))
        #expect(district.send(.post, "/pulls/now", form: ["csrf": try district.csrf(auditor)], session: auditor).status == 404)

        #expect(district.send(.post, "/pulls/now", form: ["csrf": try district.csrf(coordinator)], session: coordinator).status == 303)
        var finished = ""
        for _ in 0..<300 where finished.isEmpty {
            let page = district.page("/pulls", session: coordinator)
            if page.contains("The pull started here") { finished = page } else { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(finished.contains("certiport: succeeded") && finished.contains("servsafe: succeeded"), "\(finished.suffix(3000).prefix(1500))")
        #expect(try district.gateway.pullRuns().count == before + 2)
        // The signed-in coordinator is the actor in the audit trail.
        #expect(try district.gateway.auditHistory(subjectType: "provider", subjectID: "certiport").last?.actor == "coord")
    }

    @Test func theDashboardCountsTheSchoolYearForWhatEachUserSees() throws {
        let district = try District()
        let year = "2025-26"
        let coordinator = district.page("/?year=\(year)", session: try district.signIn("coord"))
        #expect(coordinator.contains("<svg role=\"img\"") && coordinator.contains("Pass rate by exam in \(year)"))
        let all = try district.gateway.attainments().filter { $0.reviewStatus != .rejected && $0.earnedOn >= "2025-07-01" }.count
        #expect(coordinator.contains("\(all) attainment(s) earned this school year"), "coordinator sees all \(all)")
        // A teacher's figures count only her students.
        let rivera = district.page("/?year=\(year)", session: try district.signIn("rivera"))
        let visible = try district.gateway.attainments().filter { attainment in
            attainment.reviewStatus != .rejected
                && ((try? district.gateway.student(attainment.studentID, visibleTo: district.gateway.user("rivera")!)) ?? nil) != nil
        }.count
        #expect(visible < all)
        #expect(visible == 0 ? rivera.contains("No attainment earned") : rivera.contains("\(visible) attainment(s) earned this school year"))
        #expect(district.send(.get, "/?year=bogus", session: try district.signIn("coord")).status == 404)
    }

    @Test func taskListsFilterSortAndPageOnTheServer() throws {
        let district = try District()
        let session = try district.signIn("coord")
        let all = try district.gateway.tasks()
        let leads = all.filter { $0.assigneeRole == .schoolLead }
        #expect(!leads.isEmpty && leads.count < all.count)
        let page = district.page("/tasks?role=school_lead", session: session)
        #expect(page.contains("\(leads.count) open task(s)"))
        #expect(district.page("/tasks?due=2000-01-01", session: session).contains("0 open task(s)"))
        let newest = district.page("/tasks?sort=newest", session: session)
        let first = try #require(all.map(\.id).max())
        #expect(newest.range(of: "data-label=\"Task\">\(first)</td>")!.lowerBound < newest.range(of: "data-label=\"Task\">\(all.map(\.id).min()!)</td>")!.lowerBound)
        for bad in ["sort=bogus", "role=janitor", "due=someday"] { #expect(district.send(.get, "/tasks?\(bad)", session: session).status == 404) }
        // Pages: the links keep the filters.
        let pager = HTML.pager("/tasks", query: ["kind": "course_mismatch"], page: 2, total: 250, pageSize: 100)
        #expect(pager.contains("Page 2 of 3") && pager.contains("/tasks?kind=course_mismatch&amp;page=1") && pager.contains("page=3"))
        #expect(HTML.pager("/tasks", query: [:], page: 1, total: 100, pageSize: 100).isEmpty)
    }

    @Test func theReconciliationShowsEachUserTheirPart() throws {
        let district = try District()
        let log = try district.directory.write("logs.csv", """
            Student ID,Credential,Exam Date,Result,CTE Course Teacher
            S100100,MOS-EXCEL,2026-01-06,pass,"Rivera, Ana"
            S100101,MOS-WORD,2026-01-06,pass,"Rivera, Ana"
            S100105,SERVSAFE-MANAGER,2026-01-06,pass,"Okafor, Daniel"

            """)
        _ = try district.gateway.importTeacherLogs([log])
        _ = try district.gateway.runChecks()
        let coordinator = try district.signIn("coord")
        let page = district.page("/reconciliation?year=2025-26", session: coordinator)
        #expect(page.contains("3 claim(s) in 2025-26") && page.contains("Okafor, Daniel") && page.contains("conflict"))
        let download = district.send(.get, "/reconciliation/download?year=2025-26&school=Central%20High%20School", session: coordinator)
        #expect(download.status == 200 && download.header("Content-Type")?.contains("spreadsheetml") == true)
        let workbook = try Workbook(bytes: download.body, name: "download.xlsx")
        #expect(workbook.sheets.map(\.name) == ["Summary", "Claims", "Unlogged attainments"])

        // A school lead sees her school only; a teacher her own claims; a clerk none.
        let lead = try district.signIn("lead")
        let leads = district.page("/reconciliation?year=2025-26", session: lead)
        #expect(leads.contains("S100100") && !leads.contains("S100105"))
        #expect(district.send(.get, "/reconciliation?year=2025-26&school=Riverside%20Technical%20Academy", session: lead).status == 404)
        let teacher = try district.signIn("rivera")
        let own = district.page("/reconciliation?year=2025-26", session: teacher)
        #expect(own.contains("2 claim(s) in 2025-26") && !own.contains("Okafor"))
        #expect(district.send(.get, "/reconciliation/download?year=2025-26&school=Central%20High%20School", session: teacher).status == 404)
        #expect(district.send(.get, "/reconciliation", session: try district.signIn("clerk")).status == 404)
    }
}
