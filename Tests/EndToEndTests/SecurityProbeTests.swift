import Foundation
import Store
import TestSupport
import Testing

/// The field trial's security probe findings (issue 11), each reproduced through the real binary.
@Suite struct SecurityProbeTests {
    typealias Workspace = PullTests.Workspace

    static let formula = "=cmd|' /C calc'!A0"

    /// A roster and a report whose student ID is a spreadsheet formula.
    func workspaceWithFormulaStudent() throws -> Workspace {
        let workspace = try Workspace()
        let roster = try workspace.directory.write(
            "roster.csv",
            "Student ID,First Name,Last Name,Date of Birth,School,CTE Concentrator\r\n"
                + "\(Self.formula),Ana,Diaz,2008-03-04,@SUM(1+1),Y\r\n")
        #expect(try workspace.run(["roster", "import", roster]).status == 0)
        let report = try workspace.directory.write(
            "report.csv",
            "Candidate ID,First Name,Last Name,Student ID,Exam Code,Exam Date,Result,Verification Code\r\n"
                + "c1,Ana,Diaz,\(Self.formula),MO-200,01/06/2026 09:15 AM,Pass,+1-2\r\n")
        let imported = try workspace.run(["import", "--provider", "certiport", report])
        #expect(imported.status == 0, "\(imported.stderr)")
        return workspace
    }

    @Test func formulaCellsAreNeutralizedInEveryCSVButTheDataIsKept() throws {
        let workspace = try workspaceWithFormulaStudent()
        let export = try workspace.run(["export", "sis-csv", "--year", "2025-26"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("\n'\(Self.formula),MOS-EXCEL,"), "\(export.stdout)")
        let listing = try workspace.run(["attainments", "--format", "csv"])
        #expect(listing.stdout.contains("\n1,'\(Self.formula),MOS-EXCEL,"), "\(listing.stdout)")
        for text in [export.stdout, listing.stdout] {
            for line in text.split(whereSeparator: \.isNewline) {
                for cell in line.split(separator: ",") { #expect(!["=", "+", "@"].contains(cell.first), "\(line)") }
            }
        }
        // Stored and shown as a table unchanged.
        #expect(try workspace.scalar("SELECT student_id FROM students").string == Self.formula)
        #expect(try workspace.run(["attainments"]).stdout.contains("\n1   \(Self.formula)"))
    }

    @Test func controlCharactersInIDsAndNamesAreRefusedWithTheirPlace() throws {
        let workspace = try Workspace()
        let roster = try workspace.directory.write(
            "roster.csv", "Student ID,First Name,Last Name\r\nS3,Ana,Diaz\r\nS3\u{0}X,Bo,Ng\r\nS4,C\u{1B}[2Jy,Lu\r\n")
        let outcome = try workspace.run(["roster", "import", roster])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("roster.csv:3: field 'Student ID': holds the control character U+0000"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("roster.csv:4: field 'First Name': holds the control character U+001B"))
        #expect(try workspace.scalar("SELECT COUNT(*) FROM students").int == 0)
        // In a report the row is rejected, the rest stored.
        let report = try workspace.directory.write(
            "report.csv",
            "Candidate ID,First Name,Last Name,Exam Code,Exam Date,Result\r\nc1,Ana,Diaz,MO-200,01/06/2026 09:15 AM,Pass\r\n"
                + "c1\u{0},Ana,Diaz,MO-200,01/06/2026 09:15 AM,Pass\r\n")
        #expect(try workspace.run(["import", "--provider", "certiport", report]).status == 0)
        #expect(try workspace.scalar("SELECT COUNT(*) FROM exam_results").int == 1)
        #expect(try workspace.scalar("SELECT reason FROM rejected_records").string?.contains("U+0000") == true)
        // On the command line: a usage error.
        let argument = try workspace.run(["attainments", "--student", "S3\u{1B}]0;x"])
        #expect(argument.status == 2)
        #expect(argument.stderr.contains("control character U+001B"))
    }

    @Test func exportOutReplacesAPlantedSymlinkAndIsOwnerOnly() throws {
        let workspace = try workspaceWithFormulaStudent()
        let victim = try workspace.directory.write("victim.txt", "keep me")
        let out = workspace.directory.file("out.csv")
        try FileManager.default.createSymbolicLink(atPath: out, withDestinationPath: victim)
        #expect(try workspace.run(["export", "sis-csv", "--year", "2025-26", "--out", out]).status == 0)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // An existing file with a looser mode is replaced by an owner-only one.
        let loose = try workspace.directory.write("loose.csv", "old")
        chmod(loose, 0o644)
        #expect(try workspace.run(["export", "perkins", "--year", "2025-26", "--out", loose]).status == 0)
        #expect((try FileManager.default.attributesOfItem(atPath: loose)[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: loose, encoding: .utf8).hasPrefix("school_year,"))
    }

    @Test func aLooseDatabaseFileIsTightenedOnOpen() throws {
        let workspace = try workspaceWithFormulaStudent()
        for file in [workspace.database, workspace.database + "-wal", workspace.database + "-shm"]
        where FileManager.default.fileExists(atPath: file) {
            chmod(file, 0o644)
        }
        #expect(try workspace.run(["tasks"]).status == 0)
        for file in [workspace.database, workspace.database + "-wal", workspace.database + "-shm"]
        where FileManager.default.fileExists(atPath: file) {
            #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o600, "\(file)")
        }
    }

    @Test(arguments: [
        (["tasks", "--status", "closed"], "statuses: open, resolved, dismissed"),
        (["tasks", "--role", "principal"], "roles: cte_coordinator, school_lead, data_clerk, cte_teacher, auditor"),
        (["attainments", "--status", "done"], "statuses: pending, approved, rejected, follow_up"),
    ])
    func unknownFilterValuesAreUsageErrors(arguments: [String], listing: String) throws {
        let outcome = try Workspace().run(arguments)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(listing), "\(outcome.stderr)")
    }
}
