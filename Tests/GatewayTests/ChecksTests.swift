import CertGateCore
import Foundation
import Gateway
import Store
import TestSupport
import Testing

/// Attainments, the data checks and their tasks, review, the audit chain and exports, on a small
/// district whose every row is here.
@Suite struct ChecksTests {
    static let roster = """
        Student ID,State Student ID,First Name,Last Name,Date of Birth,School,Grade,CTE Concentrator
        S1,FL000000000001,Ana,Diaz,2008-01-02,Central High School,11,Y
        S2,FL000000000002,Ben,Eto,2008-03-04,Westview High School,11,N
        S3,,Cy,Fox,2009-05-06,Central High School,10,Y

        """
    static let enrollments = """
        Student ID,School Year,Course Number,Course Name,Program,Teacher
        S1,2025-26,8207310,Digital Information Technology,Information Technology,"Rivera, Ana"
        S2,2025-26,8009100,Culinary Arts 1,Culinary Arts,"Okafor, Daniel"

        """
    static let report = """
        Candidate ID,Student ID,First Name,Last Name,Date of Birth,Exam Code,Exam Date,Score,Passing Score,Result,Proctor
        c1,S1,Ana,Diaz,01/02/2008,MO-100,09/10/2025 09:00 AM,800,700,Pass,"Brooks, Terrence"
        c1,S1,Ana,Diaz,01/02/2008,MO-200,09/10/2025 10:00 AM,600,700,Fail,"Brooks, Terrence"
        c1,S1,Ana,Diaz,01/02/2008,MO-200,09/20/2025 10:00 AM,760,700,Pass,"Brooks, Terrence"
        c1,S1,Ana,Diaz,01/02/2008,MO-300,10/15/2025 10:00 AM,710,700,Pass,A. Rivera
        c2,S2,Ben,Eto,03/04/2008,MO-100,11/01/2025 10:00 AM,720,700,Pass,"Brooks, Terrence"
        c3,S3,Cy,Fox,05/06/2009,XX-999,11/02/2025 10:00 AM,720,700,Pass,"Brooks, Terrence"
        c3,S3,Cy,Fox,05/06/2009,ACP-PS,11/03/2025 10:00 AM,720,650,Pass,"Brooks, Terrence"
        c2,S2,Ben,Eto,03/04/2008,MO-100,03/01/2026 10:00 AM,790,700,Pass,"Brooks, Terrence"

        """

    struct District {
        let directory: TemporaryDirectory
        let config: String
        let gateway: Gateway

        init() throws {
            directory = try TemporaryDirectory()
            config = try TestConfig.make(in: directory)
            gateway = try Gateway(databaseLocation: try TestDatabase.location(in: directory), configDirectory: config, actor: "coordinator")
            _ = try gateway.importRoster(
                rosterPath: try directory.write("roster.csv", ChecksTests.roster),
                enrollmentsPath: try directory.write("enrollments.csv", ChecksTests.enrollments))
            _ = try gateway.importFile(provider: "certiport", path: try directory.write("report.csv", ChecksTests.report))
        }

        func open(_ kind: String) throws -> [String] {
            try gateway.database.read {
                try $0.query("SELECT subject_id FROM tasks WHERE kind = ? AND status = 'open'", [kind])
            }.compactMap { $0["subject_id"].string }.sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
        }

        func attainment(_ student: String, _ credential: String) throws -> [SQLRow] {
            try gateway.database.read {
                try $0.query("SELECT * FROM attainments WHERE student_id = ? AND credential_code = ? ORDER BY earned_on", [student, credential])
            }
        }

        func resultID(_ exam: String, _ day: String) throws -> String {
            "\(try gateway.database.read { try $0.scalar("SELECT id FROM exam_results WHERE exam_code = ? AND attempted_at LIKE ?", [exam, day + "%"]) }.int ?? -1)"
        }

        func attainmentID(_ student: String, _ credential: String) throws -> String {
            "\(try attainment(student, credential).first?["id"].int ?? -1)"
        }

        /// Changes `rules.json` in this district's config.
        func changeRules(_ change: (inout [String: Any]) -> Void) throws {
            let path = config + "/rules.json"
            var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            change(&object)
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test func passingMatchedResultsBecomeAttainmentsAndFailuresStayAttempts() throws {
        let district = try District()
        #expect(try district.attainment("S1", "MOS-WORD").count == 1)
        let excel = try district.attainment("S1", "MOS-EXCEL")
        #expect(excel.map { $0["earned_on"].string } == ["2025-09-20"])  // the failed attempt on 09-10 is no attainment
        #expect(excel.first?["source"].string == "report")
        #expect(try district.attainment("S3", "ACP-PHOTOSHOP").count == 1)
    }

    /// A pass of a credential the student still holds is more evidence, not a second attainment;
    /// a pass once it has expired is a renewal.
    @Test func aCredentialIsEarnedOnceUntilItExpires() throws {
        let district = try District()
        func session(_ id: String, _ day: String) -> String {
            #"{"sessionId": "\#(id)", "examType": "FOOD_HANDLER", "examDate": "\#(day)", "examinees": [{"servsafeUserId": "U1", "#
                + #""firstName": "Ana", "lastName": "Diaz", "dateOfBirth": "2008-01-02", "result": "PASS"}]}"#
        }
        let sessions = [session("A", "2025-12-02"), session("B", "2026-02-10"), session("C", "2029-01-10")]
        _ = try district.gateway.importFile(
            provider: "servsafe", path: try district.directory.write("sessions.json", "[" + sessions.joined(separator: ",") + "]"))
        // Food Handler is valid 3 years: the February pass is the same certificate, the 2029 one a renewal.
        #expect(
            try district.attainment("S1", "SERVSAFE-FOOD-HANDLER").map { $0["earned_on"].string } == ["2025-12-02", "2029-01-10"])
    }

    @Test func bundleIsEarnedWhenItsRuleIsMetOnTheLastComponentsDay() throws {
        let district = try District()
        // Word, Excel and PowerPoint: 3 of 4, complete on the day PowerPoint passed.
        let associate = try district.attainment("S1", "MOS-ASSOCIATE")
        #expect(associate.map { $0["earned_on"].string } == ["2025-10-15"])
        #expect(associate.first?["source"].string == "bundle")
        // Ben has Word only (twice): no bundle.
        #expect(try district.attainment("S2", "MOS-ASSOCIATE").isEmpty)
        // Rejecting a component in review takes the bundle away again.
        let powerpoint = try #require(try district.attainment("S1", "MOS-POWERPOINT").first?["id"].int)
        _ = try district.gateway.review(attainment: powerpoint, decision: .reject, method: .scoreReport, comment: "wrong student")
        #expect(try district.attainment("S1", "MOS-ASSOCIATE").isEmpty)
    }

    @Test func retakeChecksFollowTheRulesInForce() throws {
        let district = try District()
        let retake = try district.resultID("MO-200", "2025-09-20")
        #expect(try district.open("retake_too_soon") == [retake])  // 10 days < the state's 20
        #expect(try district.open("too_many_attempts").isEmpty)
        // The state relaxes the rule: after a config change and a check, the task resolves itself.
        try district.changeRules { rules in
            var retakes = rules["retakes"] as! [[String: Any]]
            retakes[0]["min_days_between"] = 5
            retakes[0]["max_attempts_per_school_year"] = 1
            rules["retakes"] = retakes
        }
        let summary = try district.gateway.runChecks()
        #expect(try district.open("retake_too_soon").isEmpty)
        #expect(summary.tasksResolved >= 1)
        // …and the new limit of one attempt a year now flags the second attempt.
        #expect(try district.open("too_many_attempts") == [retake, try district.resultID("MO-100", "2026-03-01")])
        let note = try district.gateway.database.read {
            try $0.scalar("SELECT resolution_note FROM tasks WHERE kind = 'retake_too_soon'").string
        }
        #expect(note == "the condition cleared when the checks ran again")
    }

    /// Any of the student's CTE teachers that year, not only the aligned course's, and ServSafe
    /// session proctors too.
    @Test func proctorWhoTeachesAnyOfTheStudentsCoursesIsFlagged() throws {
        let district = try District()
        let header = ChecksTests.report.split(separator: "\n")[0]
        _ = try district.gateway.importFile(
            provider: "certiport",
            path: try district.directory.write(
                "more.csv", header + "\nc2,S2,Ben,Eto,03/04/2008,MO-200,12/01/2025 10:00 AM,800,700,Pass,Daniel Okafor\n"))
        _ = try district.gateway.importFile(
            provider: "servsafe",
            path: try district.directory.write(
                "session.json",
                #"{"sessionId": "SS-7", "examType": "FOOD_HANDLER", "examDate": "2025-12-02", "proctor": {"name": "Rivera, Ana"}, "#
                    + #""examinees": [{"servsafeUserId": "U1", "firstName": "Ana", "lastName": "Diaz", "dateOfBirth": "2008-01-02", "#
                    + #""result": "PASS"}]}"#))
        let excel = try district.resultID("MO-200", "2025-12-01")
        let servsafe = try district.resultID("FOOD_HANDLER", "2025-12-02")
        let flagged = try district.open("proctor_is_teacher")
        #expect(flagged.contains(excel) && flagged.contains(servsafe), "\(flagged)")
        let explanation = try district.gateway.database.read {
            try $0.scalar("SELECT explanation FROM tasks WHERE kind = 'proctor_is_teacher' AND subject_id = ?", [excel]).string
        }
        #expect(explanation?.contains("teaches student S2's course 8009100 in 2025-26") == true, "\(explanation ?? "")")
    }

    @Test func proctorWhoTeachesTheAlignedCourseIsFlagged() throws {
        let district = try District()
        // "A. Rivera" proctored; Ana's aligned course is taught by "Rivera, Ana".
        #expect(try district.open("proctor_is_teacher") == [try district.resultID("MO-300", "2025-10-15")])
    }

    @Test func catalogAndEnrollmentChecks() throws {
        let district = try District()
        // One task per unknown code and per credential without a state code, naming how many records.
        #expect(try district.open("unknown_exam") == ["certiport:XX-999"])
        #expect(try district.open("missing_state_code") == ["ACP-PHOTOSHOP"])
        let unknown = try district.gateway.database.read {
            try $0.scalar("SELECT explanation FROM tasks WHERE kind = 'unknown_exam'").string ?? ""
        }
        #expect(unknown.contains("1 result (2025-11-02 to 2025-11-02) cannot become attainments"), "\(unknown)")
        let benWord = try district.attainment("S2", "MOS-WORD").compactMap { $0["id"].int }.map(String.init)
        // Ben is no concentrator: information for the report, not a task (unless the district says so).
        #expect(try district.open("not_concentrator").isEmpty)
        #expect(try district.gateway.nonConcentratorReport().rows.map { "\($0.attainment)" } == benWord)
        // Westview has no concentrator at all: one task for that cause instead.
        #expect(try district.open("missing_concentrator_flags") == ["Westview High School"])
        // A district that wants a task per non-concentrator says so; Ben moves to a school with concentrators.
        try district.changeRules { $0["information_tasks"] = ["not_concentrator"] }
        _ = try district.gateway.importRoster(
            rosterPath: try district.directory.write(
                "moved.csv", ChecksTests.roster.replacingOccurrences(of: "Westview High School,11,N", with: "Central High School,11,N")))
        #expect(try district.open("not_concentrator") == benWord)
        #expect(try district.open("missing_concentrator_flags").isEmpty)
        // Ben passed Word twice: one attainment, earned on the first pass (the second is more evidence of it).
        #expect(try district.attainment("S2", "MOS-WORD").map { $0["earned_on"].string } == ["2025-11-01"])
        #expect(try district.open("duplicate_attainment").isEmpty)
        // Entered again by hand for another day: that is the double entry the check catches.
        let manual = try district.gateway.addEvidence(
            EvidenceUpload(
                studentID: "S2", credentialCode: "MOS-WORD", path: Fixtures.path("mocks/certificates/ava-obrien-mos-excel.pdf"),
                earned: CalendarDate(parsing: "2026-03-05"), verificationCode: nil))
        #expect(manual.createdAttainment)
        #expect(try district.open("duplicate_attainment") == ["\(manual.attainmentID)"])
        // No aligned enrollment: Ben (culinary only) for Word, Cy (none) for Photoshop.
        #expect(
            Set(try district.open("course_mismatch"))
                == Set(benWord + ["\(manual.attainmentID)", try district.attainmentID("S3", "ACP-PHOTOSHOP")]))
        // Ana has all she needs: none of these for her.
        let ana = try district.gateway.database.read { try $0.query("SELECT id FROM attainments WHERE student_id = 'S1'") }
            .compactMap { $0["id"].int }.map(String.init)
        for kind in ["not_concentrator", "duplicate_attainment", "course_mismatch", "missing_state_code"] {
            #expect(Set(try district.open(kind)).isDisjoint(with: ana), "\(kind)")
        }
    }

    @Test func tasksClearWhenTheDataChangesAndAreNeverRaisedTwice() throws {
        let district = try District()
        let before = try district.gateway.database.read { try $0.scalar("SELECT COUNT(*) FROM tasks").int }
        _ = try district.gateway.runChecks()
        _ = try district.gateway.runChecks()
        #expect(try district.gateway.database.read { try $0.scalar("SELECT COUNT(*) FROM tasks").int } == before)
        // Ben becomes a concentrator and enrolls in an IT course: those tasks resolve themselves.
        _ = try district.gateway.importRoster(
            rosterPath: try district.directory.write("roster2.csv", ChecksTests.roster.replacingOccurrences(of: "11,N", with: "11,Y")),
            enrollmentsPath: try district.directory.write(
                "enrollments2.csv", ChecksTests.enrollments + "S2,2025-26,8207310,Digital Information Technology,Information Technology,\"Rivera, Ana\"\n"))
        #expect(try district.open("not_concentrator").isEmpty)
        #expect(try district.open("course_mismatch") == [try district.attainmentID("S3", "ACP-PHOTOSHOP")])
    }

    /// A roster loaded without enrollments, or without concentrator flags, for a school: one task
    /// for the cause naming how many attainments it covers, not one per attainment; once the
    /// cause is fixed it resolves and the attainments' own checks follow.
    @Test func oneMissingInputRaisesOneTaskForItsCause() throws {
        let directory = try TemporaryDirectory()
        let config = try TestConfig.make(in: directory)
        let gateway = try Gateway(databaseLocation: try TestDatabase.location(in: directory), configDirectory: config, actor: "coordinator")
        let roster = ChecksTests.roster.replacingOccurrences(of: "11,Y", with: "11,N").replacingOccurrences(of: "10,Y", with: "10,N")
        _ = try gateway.importRoster(rosterPath: try directory.write("roster.csv", roster))
        _ = try gateway.importFile(provider: "certiport", path: try directory.write("report.csv", ChecksTests.report))
        func open(_ kind: String) throws -> [SQLRow] {
            try gateway.database.read {
                try $0.query("SELECT subject_id, explanation FROM tasks WHERE kind = ? AND status = 'open' ORDER BY subject_id", [kind])
            }
        }
        #expect(try open("course_mismatch").isEmpty)
        let missing = try open("missing_enrollments")
        #expect(missing.map { $0["subject_id"].string } == ["Central High School|2025-26", "Westview High School|2025-26"])
        // The import's checks looked at what it changed, so they say "at least"; the day's full run has the whole count.
        #expect(missing[0]["explanation"].string?.contains("for at least 5 attainments. Load the SIS enrollment export") == true)
        _ = try gateway.runChecks()
        #expect(try open("missing_enrollments")[0]["explanation"].string?.contains("checked for 5 attainments.") == true)
        let flags = try open("missing_concentrator_flags")
        #expect(flags.map { $0["subject_id"].string } == ["Central High School", "Westview High School"])
        #expect(flags[1]["explanation"].string?.contains("so 1 attainment there cannot count for Perkins 5S1") == true)
        let total = try gateway.database.read { try $0.scalar("SELECT COUNT(*) FROM tasks WHERE status = 'open'").int ?? 0 }
        // The causes plus the per-record conditions that are real work (retake, proctor, duplicate).
        #expect(total <= 8, "\(total)")

        // The enrollments and flags arrive: the causes resolve, and real mismatches get their own tasks.
        _ = try gateway.importRoster(
            rosterPath: try directory.write("roster2.csv", ChecksTests.roster),
            enrollmentsPath: try directory.write("enrollments.csv", ChecksTests.enrollments))
        #expect(try open("missing_enrollments").isEmpty)
        #expect(try open("missing_concentrator_flags").map { $0["subject_id"].string } == ["Westview High School"])  // Ben is its only student
        #expect(try open("course_mismatch").count == 2)  // Ben's Word and Cy's Photoshop
    }

    @Test func dismissedTasksStayDismissed() throws {
        let district = try District()
        let id = try #require(try district.gateway.database.read {
            try $0.scalar("SELECT id FROM tasks WHERE kind = 'proctor_is_teacher' AND status = 'open'").int
        })
        try district.gateway.closeTask(id, dismiss: true, note: "a second, non-teaching monitor was present")
        _ = try district.gateway.runChecks()
        #expect(try district.open("proctor_is_teacher").isEmpty)
        #expect { try district.gateway.closeTask(id, dismiss: false, note: "again") } throws: { "\($0)".contains("already dismissed") }
    }

    @Test func evidencePolicyAndTheDistrictOverride() throws {
        let district = try District()
        #expect(try district.open("evidence_missing").isEmpty)  // Certiport's score report suffices
        try district.changeRules { rules in
            var evidence = rules["evidence"] as! [String: Any]
            evidence["district_always_pdf"] = true
            rules["evidence"] = evidence
        }
        _ = try district.gateway.runChecks()
        let attainments = try district.gateway.database.read {
            try $0.query("SELECT id, earned_on FROM attainments WHERE review_status != 'rejected' AND source != 'bundle'")
        }
        #expect(try district.open("evidence_missing").count == attainments.count)
        let word = try district.attainmentID("S1", "MOS-WORD")
        let due = try district.gateway.database.read {
            try $0.scalar("SELECT due_on FROM tasks WHERE kind = 'evidence_missing' AND subject_id = ?", [word])
        }
        #expect(due.string == "2025-10-10")  // earned 2025-09-10 plus 30 days of grace
    }

    @Test func expiringCredentials() throws {
        let district = try District()
        let export = try district.directory.write(
            "servsafe.json",
            #"""
            {"session": {"sessionId": "SS-1", "examType": "MANAGER", "examDate": "2021-02-01", "updatedAt": "2021-02-02T10:00:00Z"},
             "scoreList": {"sessionId": "SS-1", "passingPercent": 75, "examinees": [
               {"servsafeUserId": "U2", "firstName": "Ben", "lastName": "Eto", "dateOfBirth": "2008-03-04", "scoredQuestions": 80,
                "correct": 70, "result": "PASS", "certificateNumber": "CM-9", "certificateExpires": "2026-02-01"}]}}
            """#)
        _ = try district.gateway.importFile(provider: "servsafe", path: export)
        let manager = try district.attainmentID("S2", "SERVSAFE-MANAGER")
        _ = try district.gateway.runChecks(today: CalendarDate(parsing: "2025-09-01"))
        #expect(try district.open("expiring").isEmpty)  // 153 days ahead: outside the 90-day window
        _ = try district.gateway.runChecks(today: CalendarDate(parsing: "2025-12-15"))
        #expect(try district.open("expiring") == [manager])
    }

    @Test func reviewRecordsTheMethodAndMakesAttainmentsReportable() throws {
        let district = try District()
        let word = try #require(try district.attainment("S1", "MOS-WORD").first?["id"].int)
        #expect(try district.attainment("S1", "MOS-WORD").first?["reportable"].int == 0)
        _ = try district.gateway.review(attainment: word, decision: .approve, method: .scoreReport, comment: "report checked")
        let row = try #require(try district.attainment("S1", "MOS-WORD").first)
        #expect(row["review_status"].string == "approved")
        #expect(row["verification_method"].string == "score_report")
        #expect(row["reviewed_by"].string == "coordinator")
        #expect(row["reportable"].int == 1)
        try district.gateway.overrideReportable(attainment: word, reportable: false, note: "state list changed mid-year")
        #expect(try district.attainment("S1", "MOS-WORD").first?["reportable"].int == 0)
        #expect { try district.gateway.review(attainment: 4242, decision: .approve, method: .other, comment: nil) } throws: {
            "\($0)".contains("no attainment 4242")
        }
    }

    @Test func exportsMatchTheirGoldenFiles() throws {
        let district = try District()
        let ids = try district.gateway.database.read {
            try $0.query("SELECT id FROM attainments ORDER BY id")
        }.compactMap { $0["id"].int }
        for id in ids {
            _ = try district.gateway.review(attainment: id, decision: .approve, method: .scoreReport, comment: nil)
        }
        let year = try #require(SchoolYear(parsing: "2025-26"))
        for (format, file) in [(ExportFormat.perkins, "perkins.csv"), (.sisCSV, "sis.csv"), (.floridaSurvey5, "florida-survey5.txt")] {
            let result = try district.gateway.export(format, year: year)
            let golden = try String(contentsOfFile: Fixtures.testFile("golden/\(file)"), encoding: .utf8)
            #expect(result.text == golden, "\(format.rawValue) differs from Tests/Fixtures/golden/\(file):\n\(result.text)")
            if format == .floridaSurvey5 {
                // Ben has no aligned course, Photoshop no state code: refused, not written wrongly.
                #expect(result.refused.map(\.reason).sorted() == [
                    "ACP-PHOTOSHOP has no 8-character state certification identifier",
                    "no enrollment in an aligned 7-digit course that school year",
                ])
                #expect(result.text.split(separator: "\r\n").allSatisfy { $0.count == 66 })
            }
        }
        let empty = try district.gateway.export(.perkins, year: try #require(SchoolYear(parsing: "2024-25")))
        #expect(empty.records == 0)
    }
}
