import Fetch
import Foundation
import Gateway
import TestSupport
import Testing

/// The console in a real headless Chromium over WebDriver, as staff use it: each role does its
/// part; every page is screenshot to `.build/console-screenshots/` and checked with axe-core
/// (no serious or critical WCAG 2.1 A/AA violation; each page's result in `axe.txt` there).
@Suite(.serialized) struct BrowserTests {
    static func signIn(_ browser: WebDriver, _ district: ConsoleTests.District, _ username: String) throws {
        try browser.go(district.base + "/login")
        try browser.type("#username", username)
        try browser.type("#password", ConsoleTests.password)
        try browser.click("button[type=submit]")
        #expect(try browser.wait { try browser.source.contains("Open tasks") }, "\(username) signed in")
    }

    @Test func aTeacherUploadsLogsAndResolvesForTheirStudents() throws {
        let district = try ConsoleTests.District()
        let browser = try WebDriver()
        try browser.go(district.base + "/")
        #expect(try browser.wait { try browser.url.hasSuffix("/login") })
        try browser.check("login")
        // The check can fail: a field without a label, added to the page, is found.
        try browser.execute("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=\"text\" name=\"unlabelled\">');")
        #expect(try browser.accessibilityViolations().contains { $0.rule == "label" && $0.impact == "critical" })
        try browser.go(district.base + "/login")
        // A wrong password: the form says so, tied to the fields.
        try browser.type("#username", "rivera")
        try browser.type("#password", "not the password")
        try browser.click("button[type=submit]")
        #expect(try browser.wait { try browser.source.contains("The username or password is not right.") })
        try browser.check("login-error")

        try Self.signIn(browser, district, "rivera")
        try browser.check("dashboard-teacher")
        try browser.go(district.base + "/tasks")
        try browser.check("tasks-teacher")
        try browser.go(district.base + "/students/S100100")
        try browser.check("student-teacher")

        // Upload a certificate: her student from the drop-down, then an aligned credential.
        try browser.go(district.base + "/certificates/upload")
        try browser.check("upload-pick-student")
        try browser.select("#student", value: "S100100")
        try browser.click("main form button[type=submit]")
        #expect(try browser.wait { try browser.source.contains("Date earned") })
        // A mistake first: no file. The browser's own check is skipped to reach the server's.
        try browser.select("#credential", value: "MOS-EXCEL")
        try browser.setValue("#earned", "2026-01-06")
        _ = try browser.execute("document.querySelector('form[enctype]').noValidate = true;")
        try browser.click("form[enctype] button[type=submit]")
        #expect(try browser.wait { try browser.source.contains("Choose the certificate's PDF file.") })
        try browser.check("upload-error")
        try browser.select("#credential", value: "MOS-EXCEL")
        try browser.choose("#certificate", file: Fixtures.path("mocks/certificates/ava-obrien-mos-excel.pdf"))
        try browser.click("form[enctype] button[type=submit]")
        #expect(try browser.wait { try browser.source.contains("stored as evidence") })
        try browser.check("upload-done")
        #expect(try district.gateway.evidence(student: "S100100").first?.addedBy == "rivera")

        // Log a certificate: a claim, which waits for evidence as a task of hers.
        try browser.go(district.base + "/certificates/log?student=S100100")
        try browser.select("#credential", value: "COMPTIA-ITF")
        try browser.setValue("#exam_date", "2026-01-27")
        try browser.type("#proctor", "Lopez, Maria")
        try browser.check("log-form")
        try browser.click("main form button[type=submit]")
        #expect(try browser.wait { try browser.source.contains("Logged as claim") })
        #expect(try district.gateway.claims(student: "S100100").first?.proctor == "Lopez, Maria")

        // The same pages on a phone-sized window.
        try browser.resize(width: 390, height: 844)
        for (path, name) in [("/tasks", "tasks-teacher-narrow"), ("/", "dashboard-teacher-narrow"), ("/students/S100100", "student-teacher-narrow"),
            ("/certificates/upload?student=S100100", "upload-narrow")]
        {
            try browser.go(district.base + path)
            try browser.check(name)
        }
        try browser.resize(width: 1280, height: 900)

        // Resolve one of her tasks with a note.
        let rivera = try #require(try district.gateway.user("rivera"))
        let task = try #require(try district.gateway.tasks(TaskFilter().visible(to: rivera)).first)
        try browser.go(district.base + "/tasks")
        try browser.type("#note-\(task.id)", "found the signed proctor log")
        try browser.click("form[action='/tasks/\(task.id)/resolve'] button[type=submit]")
        #expect(try browser.wait { try !district.gateway.tasks().contains { $0.id == task.id } })
        #expect(try district.gateway.auditHistory(subjectType: "task", subjectID: "\(task.id)").last?.actor == "rivera")

        // Signing out: back to the sign-in page, and the old session no longer opens anything.
        try browser.click("form.signout button")
        #expect(try browser.wait { try browser.url.hasSuffix("/login") })
        try browser.go(district.base + "/tasks")
        #expect(try browser.wait { try browser.url.hasSuffix("/login") })
    }

    @Test func aClerkLinksAMatchAndALeadResolvesATask() throws {
        let district = try ConsoleTests.District()
        let review = try #require(try district.gateway.results(undecided: true).first { $0.candidateID == "akim09" })
        let browser = try WebDriver()
        try Self.signIn(browser, district, "clerk")
        try browser.go(district.base + "/matches")
        try browser.check("match-review-list")
        try browser.go(district.base + "/matches/\(review.id)")
        try browser.check("match-review")
        try browser.click("form[action='/matches/\(review.id)/link'] input[value='S100112'] ~ button")
        #expect(try browser.wait { try district.gateway.results().first { $0.id == review.id }?.matchStatus == .confirmed })
        try browser.click("form.signout button")

        // The school lead resolves a task of her school.
        try Self.signIn(browser, district, "lead")
        let lead = try #require(try district.gateway.user("lead"))
        let task = try #require(try district.gateway.tasks(TaskFilter().visible(to: lead)).first)
        try browser.go(district.base + "/tasks")
        try browser.check("tasks-lead")
        try browser.type("#note-\(task.id)", "checked with the testing center")
        try browser.click("form[action='/tasks/\(task.id)/resolve'] button[type=submit]")
        #expect(try browser.wait { try !district.gateway.tasks().contains { $0.id == task.id } })
        #expect(try district.gateway.auditHistory(subjectType: "task", subjectID: "\(task.id)").last?.actor == "lead")
    }

    @Test func aCoordinatorApprovesAndDownloadsThePerkinsFile() throws {
        let district = try ConsoleTests.District()
        let browser = try WebDriver()
        try Self.signIn(browser, district, "coord")
        try browser.go(district.base + "/?year=2025-26")
        try browser.check("dashboard-coordinator")
        let attainment = try #require(try district.gateway.attainments(status: .pending).first)
        try browser.go(district.base + "/review")
        try browser.check("review-list")
        try browser.go(district.base + "/review/\(attainment.id)")
        try browser.check("review")
        try browser.click("input[name=decision][value=approve]")
        try browser.select("#method", value: "score_report")
        try browser.click("form[action='/review/\(attainment.id)'] button[type=submit]")
        #expect(try browser.wait { try district.gateway.attainments(id: attainment.id).first?.reviewStatus == .approved })
        #expect(try district.gateway.auditHistory(subjectType: "attainment", subjectID: "\(attainment.id)").last?.actor == "coord")

        try browser.go(district.base + "/exports")
        try browser.check("exports")
        // Two teachers' logs, reconciled: one claim agrees, one conflicts, one lacks evidence.
        _ = try district.gateway.importTeacherLogs([try district.directory.write("logs.csv", """
            Student ID,Credential,Exam Date,Result,CTE Course Teacher
            S100100,MOS-EXCEL,2026-01-06,pass,"Rivera, Ana"
            S100101,MOS-WORD,2026-01-06,pass,"Rivera, Ana"
            S100104,MOS-WORD,2026-01-08,pass,"Rivera, Ana"
            S100105,SERVSAFE-MANAGER,2026-01-06,fail,"Okafor, Daniel"

            """)])
        _ = try district.gateway.runChecks()
        try browser.go(district.base + "/reconciliation?year=2025-26")
        try browser.check("reconciliation")
        try browser.go(district.base + "/pulls")
        try browser.check("pulls")
        // The download the Perkins button makes, fetched with the browser's own session.
        let session = try #require(try browser.cookie("certgate_session"))
        let perkins = district.send(.get, "/exports/download?format=perkins&year=2025-26", session: session)
        #expect(perkins.status == 200 && perkins.header("Content-Disposition")?.contains("attachment") == true)
        #expect(String(decoding: perkins.body, as: UTF8.self).contains("S1001"))
    }

    @Test func anAuditorReadsButChangesNothing() throws {
        let district = try ConsoleTests.District()
        let browser = try WebDriver()
        try Self.signIn(browser, district, "audit")
        try browser.go(district.base + "/tasks")
        try browser.check("tasks-auditor")
        #expect(try !browser.source.contains("/resolve"), "no resolve forms for an auditor")
        try browser.go(district.base + "/students/S100100")
        #expect(try !browser.source.contains("Upload a certificate"))
        // A forged request with the auditor's own session and token is refused on the server.
        let session = try #require(try browser.cookie("certgate_session"))
        let task = try #require(try district.gateway.tasks().first)
        let forged = district.send(.post, "/tasks/\(task.id)/resolve", form: ["csrf": try district.csrf(session), "note": "x"], session: session)
        #expect(forged.status == 404 || forged.status == 403)
        #expect(try district.gateway.tasks().contains { $0.id == task.id })
    }

    @Test func aForgedTokenAndAnExpiredSessionFailCleanly() throws {
        let district = try ConsoleTests.District(idleMinutes: 0.05)  // 3 seconds
        let browser = try WebDriver()
        try Self.signIn(browser, district, "lead")
        try browser.go(district.base + "/tasks")
        let lead = try #require(try district.gateway.user("lead"))
        let task = try #require(try district.gateway.tasks(TaskFilter().visible(to: lead)).first)
        // A page whose CSRF token was tampered with.
        try browser.setValue("form[action='/tasks/\(task.id)/resolve'] input[name=csrf]", String(repeating: "0", count: 64))
        try browser.type("#note-\(task.id)", "should not be recorded")
        try browser.click("form[action='/tasks/\(task.id)/resolve'] button[type=submit]")
        #expect(try browser.wait { try browser.source.contains("did not come from the console") })
        try browser.check("csrf-refused")
        #expect(try district.gateway.tasks().contains { $0.id == task.id })
        // An idle session ends: the next form is refused and the next page asks to sign in.
        try browser.go(district.base + "/tasks")
        Thread.sleep(forTimeInterval: 3.5)
        try browser.type("#note-\(task.id)", "too late")
        try browser.click("form[action='/tasks/\(task.id)/resolve'] button[type=submit]")
        #expect(try browser.wait { try browser.source.contains("Your session has ended") })
        try browser.check("session-ended")
        try browser.go(district.base + "/tasks")
        #expect(try browser.wait { try browser.url.hasSuffix("/login") })
        #expect(try district.gateway.tasks().contains { $0.id == task.id })
    }
}
