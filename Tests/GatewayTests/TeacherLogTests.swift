import CertGateCore
import Foundation
import Gateway
import MockProvider
import TestSupport
import Testing

/// Teachers' logs (`certgate logs import`): an Excel workbook as District A's teachers send it, a
/// CSV log, bad rows reported where they are while good rows load, and re-imports that update.
@Suite struct TeacherLogTests {
    static func gateway(in directory: TemporaryDirectory) throws -> Gateway {
        let gateway = try Gateway(
            databaseLocation: try TestDatabase.location(in: directory), configDirectory: try TestConfig.make(in: directory), actor: "clerk")
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

        // Without a teacher column or --teacher, rows are refused, saying why; a file with nothing usable
        // keeps the claims an earlier import of it stored.
        let anonymous = try #require(try gateway.importTeacherLogs([log]).files.first)
        #expect(anonymous.new == 0 && anonymous.removed == 0 && anonymous.problems.count == 3 && anonymous.problems[0].message.contains("--teacher"))
        #expect(anonymous.problems.last?.message.contains("are kept") == true)
        #expect(try gateway.claims(student: "S100101").count == 1)
        try directory.write("okafor-log.csv", "Student,Cert,When\nS100101,SERVSAFE-FOOD-HANDLER,2026-01-09\n")
        let headerless = try #require(try gateway.importTeacherLogs([log], teacher: "Okafor, Daniel").files.first)
        #expect(headerless.removed == 0 && headerless.problems.first?.message.contains("no header row") == true)
        #expect(try gateway.claims(student: "S100101").count == 1)
    }
}

/// The reconciliation: claims against week 1's provider results, every planted disagreement found
/// and nothing that agrees flagged.
@Suite struct ReconciliationTests {
    static func district(_ change: @escaping (inout [String: Any]) -> Void = { _ in }) throws -> (TemporaryDirectory, Gateway) {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(
            databaseLocation: try TestDatabase.location(in: directory), configDirectory: try TestConfig.make(in: directory), actor: "clerk")
        _ = try gateway.importRoster(
            rosterPath: Fixtures.path("mocks/roster/roster.csv"), enrollmentsPath: Fixtures.path("mocks/roster/enrollments.csv"))
        let feeds = try LoopbackServer(handler: CassettePlayer(cassettes: try Cassette.loadAll(directory: Fixtures.path("mocks/feeds"))).respond)
        var pull = PullOptions()
        pull.since = CalendarDate(parsing: "2026-01-05")
        pull.until = CalendarDate(parsing: "2026-01-11")
        pull.baseURLs = ["certiport": feeds.baseURL + "/certiport", "servsafe": feeds.baseURL + "/servsafe"]
        pull.environment = TestConfig.credentials
        _ = try gateway.pull(pull)
        return (directory, gateway)
    }

    /// Six claims: two that agree, three conflicts, one without evidence.
    static let log = """
        Student ID,Credential,Exam Date,Result,CTE Course Teacher
        S100100,MOS-EXCEL,2026-01-06,pass,"Rivera, Ana"
        S100103,MOS-POWERPOINT,2026-01-20,pass,"Rivera, Ana"
        S100101,MOS-WORD,2026-01-06,pass,"Rivera, Ana"
        S100105,SERVSAFE-MANAGER,2026-01-06,fail,"Okafor, Daniel"
        S100106,SERVSAFE-MANAGER,2026-01-06,fail,"Okafor, Daniel"
        S100104,MOS-WORD,2026-01-08,pass,"Rivera, Ana"

        """

    @Test func everyDisagreementIsFoundAndNothingThatAgreesIsFlagged() throws {
        let (directory, gateway) = try Self.district()
        let summary = try gateway.importTeacherLogs([try directory.write("logs.csv", Self.log)])
        #expect(summary.files.first?.new == 6 && summary.files.first?.problems.isEmpty == true)
        func claim(_ student: String) throws -> Claim { try #require(try gateway.claims(student: student).first) }
        func tasks(_ kind: TaskKind, _ student: String) throws -> [TaskListing] {
            var filter = TaskFilter(kind: kind)
            filter.student = student
            return try gateway.tasks(filter)
        }
        // Agree: verified, with what verified them, and no task.
        #expect(try claim("S100100").verifiedBy == "provider result 1")
        #expect(try claim("S100105").verifiedBy?.contains("not passed") == true)
        for student in ["S100100", "S100105"] {
            #expect(try tasks(.claimConflict, student).isEmpty && tasks(.evidenceMissing, student).filter { $0.subjectType == "claim" }.isEmpty)
        }
        // Disagree: to the school lead, with both values.
        let date = try #require(try tasks(.claimConflict, "S100103").first)
        #expect(date.assigneeRole == .schoolLead && date.explanation.contains("2026-01-20") && date.explanation.contains("2026-01-07"))
        #expect(try tasks(.claimConflict, "S100101").first?.explanation.contains("failed attempt on 2026-01-06") == true)
        #expect(try tasks(.claimConflict, "S100106").first?.explanation.contains("reports a pass on 2026-01-06") == true)
        #expect(try [claim("S100103"), claim("S100101"), claim("S100106")].allSatisfy { $0.verifiedBy == nil })
        // No evidence: the teacher's evidence_missing.
        #expect(try tasks(.evidenceMissing, "S100104").contains { $0.subjectType == "claim" && $0.assigneeRole == .cteTeacher })
        #expect(try gateway.tasks(TaskFilter(kind: .claimConflict)).count == 3)

        // Attainments no teacher logged, in the schools whose teachers log: information for the lead.
        let unlogged = try gateway.tasks(TaskFilter(kind: .unloggedAttainment))
        #expect(!unlogged.isEmpty && unlogged.allSatisfy { $0.assigneeRole == .schoolLead })
        let claimed = try gateway.attainments(student: "S100100").first { $0.credentialCode == "MOS-EXCEL" }
        #expect(!unlogged.contains { $0.subjectID == "\(claimed?.id ?? 0)" })
        #expect(unlogged.contains { $0.explanation.contains("Digital Literacy") && $0.explanation.contains("student S100104") },
            "week 1's IC3 pass by S100104 (Westview, whose teachers log) is in no log: \(unlogged.map(\.explanation))")
        // Logged on a wrong date is a conflict, not also unlogged.
        #expect(!unlogged.contains { $0.explanation.contains("student S100103") })

        // A claim by a teacher the student has no aligned course with: S100103 takes web design with Rivera (not an
        // Office course), S100101 only culinary with Okafor, S100106 only Chen's course.
        let mismatched = try gateway.tasks(TaskFilter(kind: .courseMismatch)).filter { $0.subjectType == "claim" }
        #expect(Set(try mismatched.map { try #require(Int($0.subjectID)) }.compactMap { id in
            try ["S100103", "S100101", "S100106", "S100100", "S100104", "S100105"].first { try gateway.claims(student: $0).contains { $0.id == id } }
        }) == ["S100103", "S100101", "S100106"])

        // The report, per school and teacher.
        let report = try gateway.reconcile(schoolYear: SchoolYear(parsing: "2025-26"), school: nil)
        let rivera = report.counts.filter { $0.teacher == "Rivera, Ana" }.reduce(into: (claims: 0, verified: 0, conflicts: 0, missing: 0)) {
            $0.claims += $1.claims; $0.verified += $1.verified; $0.conflicts += $1.conflicts; $0.missing += $1.evidenceMissing
        }
        #expect(rivera.claims == 4 && rivera.verified == 1 && rivera.conflicts == 2 && rivera.missing == 1, "\(rivera)")
        // The import's checks saw its own students; reconcile's run sees every attainment of the logged schools.
        let allUnlogged = try gateway.tasks(TaskFilter(kind: .unloggedAttainment))
        #expect(allUnlogged.count >= unlogged.count && report.counts.filter { $0.teacher == nil }.reduce(0) { $0 + $1.unlogged } == allUnlogged.count)
        #expect(report.claims.first { $0.studentID == "S100106" }?.status == .conflict)
        let central = report.sheets(school: "Central High School")
        #expect(central.map(\.name) == ["Summary", "Claims", "Unlogged attainments"])
        #expect(central[1].rows.dropFirst().allSatisfy { $0.count == central[1].rows[0].count })
        #expect(central[1].rows.contains { $0[1] == "S100106" && $0[5] == "conflict" })

        // The teacher corrects the date: the conflict clears and the claim is verified.
        _ = try gateway.importTeacherLogs([try directory.write("logs.csv", Self.log.replacingOccurrences(of: "MOS-POWERPOINT,2026-01-20", with: "MOS-POWERPOINT,2026-01-07"))])
        #expect(try tasks(.claimConflict, "S100103").isEmpty)
        #expect(try gateway.claims(student: "S100103").first?.verifiedBy?.hasPrefix("provider result") == true)
    }

    @Test func aDistrictCanTurnUnloggedAttainmentsOff() throws {
        let (directory, gateway) = try Self.district()
        let rules = directory.file("config/rules.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: rules))) as! [String: Any]
        object["reconcile"] = ["unlogged_attainments": false]
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: rules))
        _ = try gateway.importTeacherLogs([try directory.write("logs.csv", Self.log)])
        #expect(try gateway.tasks(TaskFilter(kind: .unloggedAttainment)).isEmpty)
        #expect(try gateway.tasks(TaskFilter(kind: .claimConflict)).count == 3)
    }

    @Test func theSISReportIsComparedWithTheAttainments() throws {
        let (directory, gateway) = try Self.district()
        let sis = try directory.write("skyward-certifications.csv", """
            Other ID,Student Name,Industry Certification,Date Earned
            S100100,"O'Brien, Ava",MICRO021,01/06/2026
            S100100,"O'Brien, Ava",ServSafe Food Protection Manager,02/20/2026
            S100104,"Nguyen, Mia",MOS-WORD,01/08/2026
            S999999,"Nobody, Known",MOS-WORD,01/07/2026

            """)
        let comparison = try gateway.compareWithSIS(sis, schoolYear: SchoolYear(parsing: "2025-26")!)
        #expect(comparison.sisRows == 3 && comparison.agreeing == 1, "MICRO021 is MOS-EXCEL's state code")
        #expect(comparison.problems.map(\.location) == ["skyward-certifications.csv:5"])
        let differences = Dictionary(grouping: comparison.differences, by: \.difference)
        #expect(differences[.dateDiffers]?.map { "\($0.studentID) \($0.credentialCode) \($0.sisDate ?? "") \($0.certgateDate ?? "")" }
            == ["S100100 SERVSAFE-MANAGER 2026-02-20 2026-01-06"])
        #expect(differences[.sisOnly]?.map(\.location) == ["skyward-certifications.csv:4"])
        #expect(differences[.certgateOnly]?.contains { $0.studentID == "S100104" && $0.credentialCode == "IC3-DL1" } == true)
        #expect(differences[.certgateOnly]?.contains { $0.studentID == "S100100" && $0.credentialCode == "MOS-EXCEL" } == false)
    }
}
