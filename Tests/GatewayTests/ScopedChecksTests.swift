import Foundation
import Gateway
import TestSupport
import Testing

/// After the day's first full run, a pull or import checks only the results it changed and their
/// students. Whatever it changed, a full run straight after must find nothing left to do.
@Suite struct ScopedChecksTests {
    typealias District = ChecksTests.District

    func expectFullRunChangesNothing(_ district: District) throws {
        let full = try district.gateway.runChecks()
        #expect(full.scope == "all")
        #expect(full.attainmentsCreated == 0 && full.attainmentsRemoved == 0)
        #expect(full.tasksOpened == 0 && full.tasksResolved == 0)
    }

    @Test func anImportAfterTheDaysFullRunChecksOnlyWhatChanged() throws {
        let district = try District()  // roster import (a full run), then a report import
        let report = try district.gateway.importFile(
            provider: "certiport", path: try district.directory.write("again.csv", ChecksTests.report))
        #expect(report.checks.scope == "changed")
        try expectFullRunChangesNothing(district)
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
        try expectFullRunChangesNothing(district)
    }
}
