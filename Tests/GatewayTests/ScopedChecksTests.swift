import Foundation
import Gateway
import TestSupport
import Testing

/// After the day's first full run, a pull or import checks only the results it changed and their
/// students. Whatever it changed, a full run straight after must find nothing left to do.
@Suite struct ScopedChecksTests {
    typealias District = ChecksTests.District

    static func expectFullRunChangesNothing(_ gateway: Gateway) throws {
        let full = try gateway.runChecks()
        #expect(full.scope == "all")
        #expect(full.attainmentsCreated == 0 && full.attainmentsRemoved == 0)
        #expect(full.tasksOpened == 0 && full.tasksResolved == 0)
    }

    @Test func anImportAfterTheDaysFullRunChecksOnlyWhatChanged() throws {
        let district = try District()  // roster import (a full run), then a report import
        let report = try district.gateway.importFile(
            provider: "certiport", path: try district.directory.write("again.csv", ChecksTests.report))
        #expect(report.checks.scope == "changed")
        try Self.expectFullRunChangesNothing(district.gateway)
    }

    @Test func aResultThatMovesToAnotherStudentIsCheckedForBoth() throws {
        let district = try District()
        #expect(try district.attainment("S1", "MOS-POWERPOINT").count == 1)
        // The provider corrects a result: it was Cy's, not Ana's; Ben retakes MO-100 too soon and
        // Cy passes an exam the catalog does not know.
        let corrected = """
            Candidate ID,Student ID,First Name,Last Name,Date of Birth,Exam Code,Exam Date,Score,Passing Score,Result,Proctor
            c1,S3,Cy,Fox,05/06/2009,MO-300,10/15/2025 10:00 AM,710,700,Pass,A. Rivera
            c2,S2,Ben,Eto,03/04/2008,MO-100,03/02/2026 10:00 AM,795,700,Pass,"Brooks, Terrence"
            c3,S3,Cy,Fox,05/06/2009,ZZ-123,03/05/2026 10:00 AM,720,700,Pass,"Brooks, Terrence"

            """
        let report = try district.gateway.importFile(
            provider: "certiport", path: try district.directory.write("corrected.csv", corrected))
        #expect(report.checks.scope == "changed")
        // Ana loses PowerPoint, and with it the Associate bundle (3 of 4) it completed.
        #expect(report.checks.attainmentsRemoved == 2 && report.checks.attainmentsCreated >= 1)
        #expect(try district.attainment("S1", "MOS-POWERPOINT").isEmpty)
        #expect(try district.attainment("S1", "MOS-ASSOCIATE").isEmpty)
        #expect(try district.attainment("S3", "MOS-POWERPOINT").count == 1)
        #expect(try district.open("unknown_exam").count == 2)  // XX-999 before, ZZ-123 now
        #expect(try district.open("retake_too_soon").count >= 1)
        try Self.expectFullRunChangesNothing(district.gateway)
    }
}

/// Staff actions check only the students they touch; after each, a full run finds nothing to do.
@Suite struct StaffActionScopedChecksTests {
    @Test func reviewsLinksRejectionsAndOverridesLeaveNothingForAFullRun() throws {
        let district = try ChecksTests.District()
        let gateway = district.gateway
        let word = try #require(try district.attainment("S1", "MOS-WORD").first?["id"].int)
        let review = try gateway.review(attainment: word, decision: .approve, method: .scoreReport, comment: "report checked")
        #expect(review.scope == "changed")
        try ScopedChecksTests.expectFullRunChangesNothing(gateway)
        // Rejecting Excel takes away the Associate bundle it completed.
        let excel = try #require(try district.attainment("S1", "MOS-EXCEL").first?["id"].int)
        _ = try gateway.review(attainment: excel, decision: .reject, method: .scoreReport, comment: "entered twice")
        #expect(try district.attainment("S1", "MOS-ASSOCIATE").isEmpty)
        try ScopedChecksTests.expectFullRunChangesNothing(gateway)
        try gateway.overrideReportable(attainment: word, reportable: false, note: "state says no")
        try ScopedChecksTests.expectFullRunChangesNothing(gateway)
        // Ben's MO-100 result belongs to Cy after all; Cy's unknown exam is none of ours.
        let results = try gateway.database.read {
            try $0.query("SELECT r.id, r.exam_code, m.student_id FROM exam_results r JOIN matches m ON m.result_id = r.id ORDER BY r.id")
        }
        let ben = try #require(results.first { $0[1].string == "MO-100" && $0[2].string == "S2" }?[0].int)
        _ = try gateway.linkResult(ben, to: "S3", note: "proctor's sheet")
        try ScopedChecksTests.expectFullRunChangesNothing(gateway)
        let unknown = try #require(results.first { $0[1].string == "XX-999" }?[0].int)
        try gateway.rejectResult(unknown, note: "not a student of ours")
        try ScopedChecksTests.expectFullRunChangesNothing(gateway)
    }

    @Test func uploadsLeaveNothingForAFullRun() throws {
        let setup = try EvidenceTests.Setup()
        _ = try setup.gateway.runChecks()  // the day's full run
        _ = try setup.add("S100132", "COMPTIA-ITF", setup.certificate("jean-luc-allen-comptia-itf.pdf"), code: "COMP001022938")
        try ScopedChecksTests.expectFullRunChangesNothing(setup.gateway)
        // The same file for another student: evidence reused.
        _ = try setup.add("S100133", "COMPTIA-ITF", setup.certificate("jean-luc-allen-comptia-itf.pdf"))
        #expect(try !setup.openTasks("evidence_reused").isEmpty)
        try ScopedChecksTests.expectFullRunChangesNothing(setup.gateway)
        _ = try setup.gateway.importEvidence(
            directory: Fixtures.path("mocks/certificates"), manifest: Fixtures.path("mocks/certificates/manifest.csv"))
        try ScopedChecksTests.expectFullRunChangesNothing(setup.gateway)
    }
}
