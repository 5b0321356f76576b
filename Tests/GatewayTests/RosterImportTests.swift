import CertGateCore
import Foundation
import Gateway
import Store
import TestSupport
import Testing

@Suite struct RosterImportTests {
    static let header = "Student ID,State Student ID,First Name,Middle Name,Last Name,Date of Birth,Email,School,Grade,CTE Concentrator\n"

    /// A gateway over a fresh database in a temporary folder, with the bundled configuration.
    func gateway(_ directory: TemporaryDirectory) throws -> Gateway {
        try Gateway(databaseLocation: try TestDatabase.location(in: directory), configDirectory: Fixtures.configDirectory, actor: "test")
    }

    func count(_ table: String, _ gateway: Gateway) throws -> Int {
        try gateway.database.read { try $0.scalar("SELECT COUNT(*) FROM \(table)").int ?? -1 }
    }

    @Test func bundledSampleRosterLoads() throws {
        let directory = try TemporaryDirectory()
        let gateway = try gateway(directory)
        let summary = try gateway.importRoster(
            rosterPath: Fixtures.path("mocks/roster/roster.csv"), enrollmentsPath: Fixtures.path("mocks/roster/enrollments.csv"))
        #expect(summary.students.rows == 40)
        #expect(summary.students.new == 40)
        #expect(summary.enrollments?.new == 48)
        #expect(try count("students", gateway) == 40)
        #expect(try count("enrollments", gateway) == 48)
        let row = try gateway.database.read {
            try $0.query("SELECT * FROM students WHERE student_id = 'S100102'").first
        }
        #expect(row?["last_name"].string == "Smith, Jr.")
        #expect(row?["date_of_birth"].string?.count == 10)
        #expect(row?["cte_concentrator"].int == 1)
        let teacher = try gateway.database.read {
            try $0.scalar("SELECT teacher FROM enrollments WHERE student_id = 'S100100' AND course_number = '8207310'")
        }
        #expect(teacher.string == "Rivera, Ana")
    }

    @Test func reimportUpdatesInPlaceAndNeverDuplicates() throws {
        let directory = try TemporaryDirectory()
        let gateway = try gateway(directory)
        let first = try directory.write(
            "roster.csv",
            Self.header + "S1,,Ana,,García-López,03/14/2009,ana@example.org,Central,10,Y\nS2,,Bo,,Kim,2009-01-02,,Central,11,N\n")
        _ = try gateway.importRoster(rosterPath: first)
        let second = try directory.write(
            "roster2.csv",
            Self.header
                + "S1,,Ana,,García-López,03/14/2009,ana@example.org,Central,11,Y\nS2,,Bo,,Kim,2009-01-02,,Central,11,N\nS3,,Cy,,Lee,,,West,9,\n")
        let summary = try gateway.importRoster(rosterPath: second)
        #expect(summary.students.new == 1)
        #expect(summary.students.updated == 1)
        #expect(summary.students.unchanged == 1)
        #expect(try count("students", gateway) == 3)
        let grade = try gateway.database.read { try $0.scalar("SELECT grade FROM students WHERE student_id = 'S1'") }
        #expect(grade.string == "11")
        let imports = try gateway.database.read { try $0.scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'roster.import'").int }
        #expect(imports == 2)
    }

    @Test func badRowsRejectTheWholeFileAndKeepWhatWasStored() throws {
        let directory = try TemporaryDirectory()
        let gateway = try gateway(directory)
        _ = try gateway.importRoster(rosterPath: try directory.write("good.csv", Self.header + "S1,,Ana,,Diaz,03/14/2009,,C,10,Y\n"))
        let bad = try directory.write(
            "bad.csv",
            Self.header
                + "S1,,Ana,,Changed,03/14/2009,,C,10,Y\n"  // would update S1: must not land
                + "S2,,Bo,,Kim,02/30/2009,,C,10,N\n"  // no such day
                + "S3,,,,,,,C,10,N\n"  // no name at all
                + "S4,,Di,,Ng,,,C,14,N\n"  // no grade 14
                + "S5,,Ed,,Oh,,not-an-email,C,10,maybe\n"
                + "S1,,Ana,,Diaz,03/14/2009,,C,10,Y\n")  // duplicate ID
        let errors = try #require(throws: InputErrors.self) { try gateway.importRoster(rosterPath: bad) }
        #expect(errors.total == 5)
        let described = errors.errors.map(\.description)
        #expect(described.contains("bad.csv:3: field 'Date of Birth': not a valid date (expected MM/DD/YYYY or YYYY-MM-DD)"))
        #expect(described.contains("bad.csv:4: field 'Last Name': the student has no name (first and last name are both empty)"))
        #expect(described.contains("bad.csv:5: field 'Grade': '14' is not a grade (expected PK, K or 1 to 12)"))
        #expect(described.contains("bad.csv:6: field 'Email': not an email address"))
        #expect(described.contains("bad.csv:7: field 'Student ID': the same student ID is also on line 2"))
        // A minor's date of birth is never repeated in an error.
        #expect(!errors.description.contains("02/30/2009"))
        let lastName = try gateway.database.read { try $0.scalar("SELECT last_name FROM students WHERE student_id = 'S1'") }
        #expect(lastName.string == "Diaz")
        #expect(try count("students", gateway) == 1)
    }

    /// Some students legally have one name: a last name only, or a first name only, is accepted and counted.
    @Test func studentsWithOneNameAreAcceptedAndMarked() throws {
        let directory = try TemporaryDirectory()
        let gateway = try gateway(directory)
        let summary = try gateway.importRoster(
            rosterPath: try directory.write(
                "roster.csv", Self.header + "S1,,,,Sukarno,04/12/2009,,C,10,Y\nS2,,Aung,,,01/30/2010,,C,10,N\nS3,,Ana,,Diaz,,,C,10,N\n"))
        #expect(summary.students.new == 3)
        #expect(summary.students.singleName == 2)
        let names = try gateway.database.read {
            try $0.query("SELECT first_name, last_name FROM students ORDER BY student_id").map { "\($0["first_name"].string ?? "nil")|\($0["last_name"].string ?? "nil")" }
        }
        #expect(names == ["|Sukarno", "Aung|", "Ana|Diaz"])
    }

    @Test func badEnrollmentsRollBackTheRosterToo() throws {
        let directory = try TemporaryDirectory()
        let gateway = try gateway(directory)
        let roster = try directory.write("roster.csv", Self.header + "S1,,Ana,,Diaz,,,C,10,Y\n")
        let enrollments = try directory.write(
            "enrollments.csv",
            "Student ID,School Year,Course Number,Course Name,Program,Teacher\n"
                + "S1,2025-26,8207310,Digital IT,IT,\"Rivera, Ana\"\n"
                + "S9,2025-26,8207310,Digital IT,IT,\"Rivera, Ana\"\n"
                + "S1,2025-27,8207310,Digital IT,IT,\"Rivera, Ana\"\n")
        let errors = try #require(throws: InputErrors.self) {
            try gateway.importRoster(rosterPath: roster, enrollmentsPath: enrollments)
        }
        #expect(errors.file == "enrollments.csv")
        #expect(errors.errors.map(\.location.line) == [3, 4])
        #expect(errors.errors[0].message == "no student with this ID in the roster")
        #expect(try count("students", gateway) == 0)
        #expect(try count("enrollments", gateway) == 0)
        #expect(try count("audit_events", gateway) == 0)
    }

    @Test func schoolYearsAreNormalized() throws {
        #expect(SchoolYear(parsing: "2025-2026")?.description == "2025-26")
        #expect(SchoolYear(parsing: "2099-00")?.description == "2099-00")
        #expect(SchoolYear(parsing: "2025-27") == nil)
        #expect(SchoolYear(parsing: "25-26") == nil)
    }

    @Test func skywardAndPowerSchoolStyleHeadersLoadUnedited() throws {
        let directory = try TemporaryDirectory()
        let gateway = try gateway(directory)
        let skyward = try directory.write(
            "skyward.csv",
            "Other ID,Stu Last Name,Stu First Name,Stu Middle Name,Birthdate,Email Address,Entity,Curr Grade,CTE Concentrator Flag,Homeroom\n"
                + "A17,O'Brien,Sean,P,4/9/2008,sean@example.org,100,09,X,204\n")
        let powerSchool = try directory.write(
            "powerschool.csv",
            "Student_Number,State_StudentNumber,First_Name,Last_Name,DOB,SchoolID,Grade_Level\n"
                + "P9,FL000000000009,Léa,Martin,2009-11-30,200,11\n")
        let first = try gateway.importRoster(rosterPath: skyward)
        #expect(first.students.new == 1)
        #expect(first.students.ignoredColumns == ["Homeroom"])
        _ = try gateway.importRoster(rosterPath: powerSchool)
        let rows = try gateway.database.read {
            try $0.query("SELECT student_id, last_name, date_of_birth, grade, cte_concentrator FROM students ORDER BY student_id")
        }
        #expect(rows.map { $0["student_id"].string } == ["A17", "P9"])
        #expect(rows[0]["date_of_birth"].string == "2008-04-09")
        #expect(rows[0]["grade"].string == "9")
        #expect(rows[0]["cte_concentrator"].int == 1)
        #expect(rows[1]["last_name"].string == "Martin")
    }

    @Test func missingRequiredColumnRejectsTheFile() throws {
        let directory = try TemporaryDirectory()
        let gateway = try gateway(directory)
        let path = try directory.write("roster.csv", "Student ID,First Name\nS1,Ana\n")
        let errors = try #require(throws: InputErrors.self) { try gateway.importRoster(rosterPath: path) }
        #expect(errors.errors.first?.location.line == 1)
        #expect(errors.errors.first?.message.contains("'Last Name'") == true)
    }

    @Test func unclosedQuoteStopsTheImport() throws {
        let directory = try TemporaryDirectory()
        let gateway = try gateway(directory)
        let path = try directory.write("roster.csv", Self.header + "S1,,Ana,,\"Diaz,,,C,10,Y\nS2,,Bo,,Kim,,,C,10,N\n")
        let errors = try #require(throws: InputErrors.self) { try gateway.importRoster(rosterPath: path) }
        #expect(errors.errors.first?.location.line == 2)
        #expect(try count("students", gateway) == 0)
    }
}
