import Foundation
import Gateway
import TestSupport
import Testing

/// The console in a real headless Chromium over WebDriver, as staff use it; each page's
/// screenshot is written to `.build/console-screenshots/` for people to look at.
@Suite(.serialized) struct BrowserTests {
    @Test func aTeacherSignsInAndResolvesOneOfTheirTasks() throws {
        let district = try ConsoleTests.District()
        let browser = try WebDriver()
        try browser.go(district.base + "/")
        #expect(try browser.wait { try browser.url.hasSuffix("/login") })
        // A wrong password: the form says so, tied to the fields.
        try browser.type("#username", "rivera")
        try browser.type("#password", "not the password")
        try browser.click("button[type=submit]")
        #expect(try browser.wait { try browser.source.contains("The username or password is not right.") })
        try browser.screenshot("login-error")

        try browser.go(district.base + "/login")
        try browser.type("#username", "rivera")
        try browser.type("#password", ConsoleTests.password)
        try browser.click("button[type=submit]")
        #expect(try browser.wait { try browser.source.contains("Open tasks") })
        try browser.screenshot("dashboard-teacher")

        let teachers = try district.gateway.tasks(
            TaskFilter().visible(to: try #require(try district.gateway.users().first { $0.username == "rivera" })))
        let task = try #require(teachers.first)
        try browser.go(district.base + "/tasks")
        try browser.screenshot("tasks-teacher")
        // The same pages on a phone-sized window.
        try browser.resize(width: 390, height: 844)
        try browser.screenshot("tasks-teacher-narrow")
        try browser.go(district.base + "/")
        try browser.screenshot("dashboard-teacher-narrow")
        try browser.go(district.base + "/students/S100100")
        try browser.screenshot("student-teacher-narrow")
        try browser.resize(width: 1280, height: 900)
        try browser.go(district.base + "/tasks")
        try browser.type("#note-\(task.id)", "found the signed proctor log")
        try browser.click("form[action='/tasks/\(task.id)/resolve'] button[type=submit]")
        #expect(try browser.wait { try !district.gateway.tasks().contains { $0.id == task.id } })
        #expect(try browser.wait { try browser.url.hasSuffix("/tasks") })
        #expect(try district.gateway.auditHistory(subjectType: "task", subjectID: "\(task.id)").last?.actor == "rivera")

        // Signing out: back to the sign-in page, and the old session no longer opens anything.
        try browser.click("form.signout button")
        #expect(try browser.wait { try browser.url.hasSuffix("/login") })
        try browser.go(district.base + "/tasks")
        #expect(try browser.wait { try browser.url.hasSuffix("/login") })
    }

    @Test func aClerkLinksAMatchInTheBrowser() throws {
        let district = try ConsoleTests.District()
        let review = try #require(try district.gateway.results(undecided: true).first { $0.candidateID == "akim09" })
        let browser = try WebDriver()
        try browser.go(district.base + "/login")
        try browser.type("#username", "clerk")
        try browser.type("#password", ConsoleTests.password)
        try browser.click("button[type=submit]")
        #expect(try browser.wait { try browser.source.contains("Match review") })
        try browser.go(district.base + "/matches/\(review.id)")
        try browser.screenshot("match-review")
        try browser.click("form[action='/matches/\(review.id)/link'] input[value='S100112'] ~ button")
        #expect(try browser.wait { try district.gateway.results().first { $0.id == review.id }?.matchStatus == .confirmed })
    }
}
