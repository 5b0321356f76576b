import CertGateCore
import Foundation
import Gateway
import TestSupport
import Testing

/// Teachers' logs (`certgate logs import`): an Excel workbook as District A's teachers send it, a
/// CSV log, bad rows reported where they are while good rows load, and re-imports that update.
@Suite struct TeacherLogTests {
    static func gateway(in directory: TemporaryDirectory) throws -> Gateway {
        let gateway = try Gateway(
            databasePath: directory.file("certgate.db"), configDirectory: try TestConfig.make(in: directory), actor: "clerk")
        _ = try gateway.importRoster(
            rosterPath: Fixtures.path("mocks/roster/roster.csv"), enrollmentsPath: Fixtures.path("mocks/roster/enrollments.csv"))
        return gateway
    }

    static func claimTasks(_ gateway: Gateway) throws -> [TaskListing] {
        try gateway.tasks(TaskFilter(kind: .evidenceMissing)).filter { $0.subjectType == "claim" }
    }

    @Test func anExcelLogBecomesClaimsAndItsBadRowsAreNamed() throws {
        let directory = try TemporaryDirectory()
        let gateway = try Self.gateway(in: directory)
        let summary = try gateway.importTeacherLogs([Fixtures.path("mocks/teacher-logs/rivera-2025-26.xlsx")])
        let file = try #require(summary.files.first)
        #expect(file.rows == 6 && file.new == 3 && file.problems.count == 3)
        let problems = Dictionary(uniqueKeysWithValues: file.problems.map { ($0.location, $0.message) })
        #expect(problems["rivera-2025-26.xlsx:Microsoft Office:6"]?.contains("did you mean MOS-EXCEL") == true, "a misspelling: suggested")
        #expect(problems["rivera-2025-26.xlsx:Microsoft Office:7"]?.contains("not in the roster") == true)
        #expect(problems["rivera-2025-26.xlsx:Other certifications:3"]?.contains("is not a date") == true)

        // The title row and the styled empty rows were skipped; the Excel date and the catalog name were read.
        let claims = try gateway.claims(student: "S100100")
        #expect(Set(claims.map(\.credentialCode)) == ["MOS-EXCEL", "COMPTIA-ITF"])
        #expect(claims.first { $0.credentialCode == "MOS-EXCEL" }?.examDate == CalendarDate(year: 2026, month: 1, day: 6))
        #expect(try gateway.claims(student: "S100103").first?.credentialCode == "MOS-WORD")
        #expect(claims.allSatisfy { $0.teacher == "Rivera, Ana" && $0.origin == .file })
        // No provider result and no PDF behind them: each is evidence_missing for the teacher.
        #expect(try Self.claimTasks(gateway).count == 3)

        // Importing the same file again changes nothing.
        let again = try #require(try gateway.importTeacherLogs([Fixtures.path("mocks/teacher-logs/rivera-2025-26.xlsx")]).files.first)
        #expect(again.new == 0 && again.unchanged == 3 && again.removed == 0)
    }

    @Test func aCorrectedCSVLogUpdatesItsClaims() throws {
        let directory = try TemporaryDirectory()
        let gateway = try Self.gateway(in: directory)
        let header = "Student ID,Student Name,Credential,Exam Date,Result,Exam Proctor\n"
        let log = try directory.write("okafor-log.csv", header + """
            S100100,Ava O'Brien,SERVSAFE-MANAGER,2026-01-06,pass,"Diaz, Ana"
            S100101,Liam Garcia-Lopez,SERVSAFE-FOOD-HANDLER,01/07/2026,pass,"Diaz, Ana"
            S100102,Wrong Person,SERVSAFE-MANAGER,2026-01-08,pass,"Diaz, Ana"

            """)
        let first = try #require(try gateway.importTeacherLogs([log], teacher: "Okafor, Daniel").files.first)
        #expect(first.new == 2 && first.problems.map(\.location) == ["okafor-log.csv:4"], "\(first.problems)")
        #expect(first.problems.first?.message.contains("does not match the roster's name") == true)

        // The teacher corrects the file: the second row's date, a fail added, the first row gone.
        try directory.write("okafor-log.csv", header + """
            S100101,Liam Garcia-Lopez,SERVSAFE-FOOD-HANDLER,2026-01-09,pass,"Diaz, Ana"
            S100104,Mia Nguyen,ServSafe Manager,2026-01-10,fail,"Diaz, Ana"

            """)
        let corrected = try #require(try gateway.importTeacherLogs([log], teacher: "Okafor, Daniel").files.first)
        #expect(corrected.new == 2 && corrected.removed == 2 && corrected.problems.isEmpty, "\(corrected)")
        #expect(try gateway.claims(student: "S100100").isEmpty)
        #expect(try gateway.claims(student: "S100101").map(\.examDate) == [CalendarDate(year: 2026, month: 1, day: 9)])
        #expect(try gateway.claims(student: "S100104").first?.outcome == .fail)
        // A failed exam needs no evidence: one task, for the one passing claim.
        #expect(try Self.claimTasks(gateway).count == 1)

        // Without a teacher column or --teacher, rows are refused, saying why.
        let anonymous = try #require(try gateway.importTeacherLogs([log]).files.first)
        #expect(anonymous.new == 0 && anonymous.problems.count == 2 && anonymous.problems[0].message.contains("--teacher"))
    }
}
