import CertGateCore
import Foundation
import Store

/// Everything the checks look at, read in one transaction.
struct CheckData {
    struct Student {
        var id: String
        var isConcentrator: Bool
        var school: String?
    }

    struct Enrollment {
        var studentID: String
        var schoolYear: String
        var course: String
        var program: String?
        var teacher: String?
    }

    /// An exam attempt (a stored result) and the student it is matched to, if any.
    struct Attempt {
        var id: Int
        var provider: String
        var exam: String
        var day: CalendarDate
        var passed: Bool
        var proctor: String?
        var studentID: String?
        var expiresOn: CalendarDate?
    }

    struct Attainment {
        var id: Int
        var studentID: String
        var credential: String
        var earnedOn: CalendarDate
        var source: String
        var resultID: Int?
        var reviewStatus: String
        var reportable: Bool?
        var reportableOverride: Bool?
        var pdfCount: Int

        /// A provider result or a certificate PDF stands behind it.
        var isBacked: Bool { source == "report" || resultID != nil || pdfCount > 0 }
    }

    /// An uploaded certificate.
    struct Evidence {
        var id: Int
        var sha256: String
        var studentID: String
        var credential: String
        var textStatus: String?
        var textDetail: String?
    }

    /// A teacher's claim.
    struct Claim {
        var id: Int
        var studentID: String
        var credential: String
        var examDate: CalendarDate
        var passed: Bool
        var teacher: String
        var verifiedBy: String?
    }

    var students: [String: Student] = [:]
    var claims: [Claim] = []
    var evidence: [Evidence] = []
    var enrollments: [String: [Enrollment]] = [:]
    var attempts: [Attempt] = []
    var attainments: [Attainment] = []
    /// Every (school, school year) with at least one CTE enrollment loaded, across the whole
    /// roster even in a scoped run: whether enrollments are missing is a fact about the school.
    var enrolledSchoolYears: Set<SchoolAndYear> = []
    /// Every school with at least one student flagged as a CTE concentrator, across the roster.
    var concentratorSchools: Set<String> = []
    /// Whether everything was read (a scoped run reads a few students): causes' counts are then whole.
    var isComplete = true

    /// A school (empty for students with none) and a school year such as `2025-26`.
    struct SchoolAndYear: Hashable {
        var school: String
        var year: String
    }

    /// Reads everything, or with `scoped`, only what concerns the students and results in the
    /// temporary tables `CheckScope.prepare` filled (evidence is always read whole: a file may be
    /// reused across students).
    static func read(_ transaction: Transaction, scoped: Bool = false) throws -> CheckData {
        var data = CheckData()
        data.isComplete = !scoped
        // A few rows that roster imports keep (schema v4), so a review's checks do not scan the roster.
        try transaction.forEach("SELECT school, school_year FROM roster_enrolled_years") { row in
            data.enrolledSchoolYears.insert(SchoolAndYear(school: row[0].string ?? "", year: row[1].string ?? ""))
        }
        try transaction.forEach("SELECT school FROM roster_concentrator_schools") { row in
            data.concentratorSchools.insert(row[0].string ?? "")
        }
        // Schools, programs and proctors repeat on thousands of rows: keep one copy of each.
        var strings = StringPool()
        // Columns are read by position: these loops run over every row of a state-sized database.
        // A scoped run needs the students it looks at and those evidence belongs to (for schools).
        let students = scoped
            ? """
              SELECT student_id, cte_concentrator, school FROM students WHERE student_id IN
                (SELECT student_id FROM scope_students UNION SELECT student_id FROM evidence)
              """ : "SELECT student_id, cte_concentrator, school FROM students"
        try transaction.forEach(students) { row in
            let id = row[0].string ?? ""
            data.students[id] = Student(id: id, isConcentrator: row[1].int == 1, school: strings.intern(row[2].string))
        }
        let scopedStudents = scoped ? " WHERE student_id IN (SELECT student_id FROM scope_students)" : ""
        try transaction.forEach("SELECT student_id, school_year, course_number, program, teacher FROM enrollments" + scopedStudents) { row in
            let enrollment = Enrollment(
                studentID: row[0].string ?? "", schoolYear: row[1].string ?? "", course: row[2].string ?? "",
                program: strings.intern(row[3].string), teacher: strings.intern(row[4].string))
            data.enrollments[enrollment.studentID, default: []].append(enrollment)
        }
        try transaction.forEach(
            """
            SELECT r.id, r.provider_id, r.exam_code, r.attempted_at, r.outcome, r.proctor, r.expires_on, m.student_id
            FROM exam_results r LEFT JOIN matches m ON m.result_id = r.id AND m.status IN ('matched', 'confirmed')
            \(scoped ? """
                WHERE r.id IN (SELECT id FROM scope_results UNION SELECT result_id FROM matches
                               WHERE student_id IN (SELECT student_id FROM scope_students))
                """ : "")
            ORDER BY r.attempted_at, r.id
            """
        ) { row in
            guard let day = row[3].string.flatMap({ CalendarDate(parsing: $0.prefix(10)) }) else { return }
            data.attempts.append(
                Attempt(
                    id: row[0].int ?? 0, provider: row[1].string ?? "", exam: row[2].string ?? "", day: day,
                    passed: row[4].string == "pass", proctor: strings.intern(row[5].string), studentID: row[7].string,
                    expiresOn: row[6].string.flatMap { CalendarDate(parsing: $0) }))
        }
        data.attainments = try readAttainments(transaction, scoped: scoped)
        try transaction.forEach(
            "SELECT id, student_id, credential_code, exam_date, teacher, outcome, verified_by FROM claims"
                + (scoped ? " WHERE student_id IN (SELECT student_id FROM scope_students)" : "") + " ORDER BY id"
        ) { row in
            guard let date = row[3].string.flatMap({ CalendarDate(parsing: $0) }) else { return }
            data.claims.append(
                Claim(id: row[0].int ?? 0, studentID: row[1].string ?? "", credential: row[2].string ?? "", examDate: date,
                      passed: row[5].string == "pass", teacher: strings.intern(row[4].string) ?? "", verifiedBy: row[6].string))
        }
        try transaction.forEach(
            "SELECT id, sha256, student_id, credential_code, text_status, text_detail FROM evidence ORDER BY id"
        ) { row in
            data.evidence.append(
                Evidence(
                    id: row["id"].int ?? 0, sha256: row["sha256"].string ?? "", studentID: row["student_id"].string ?? "",
                    credential: row["credential_code"].string ?? "", textStatus: row["text_status"].string,
                    textDetail: row["text_detail"].string))
        }
        return data
    }

    private static func readAttainments(_ transaction: Transaction, scoped: Bool) throws -> [Attainment] {
        var attainments: [Attainment] = []
        try transaction.forEach(
            """
            SELECT a.id, a.student_id, a.credential_code, a.earned_on, a.source, a.result_id, a.review_status, a.reportable,
                   a.reportable_override, (SELECT COUNT(*) FROM attainment_evidence e WHERE e.attainment_id = a.id) AS pdfs
            FROM attainments a \(scoped ? "WHERE a.student_id IN (SELECT student_id FROM scope_students)" : "")
            ORDER BY a.student_id, a.credential_code, a.earned_on, a.id
            """
        ) { row in
            attainments.append(
                Attainment(
                    id: row[0].int ?? 0, studentID: row[1].string ?? "", credential: row[2].string ?? "",
                    earnedOn: CalendarDate(parsing: row[3].string ?? "") ?? CalendarDate(year: 2000, month: 1, day: 1)!,
                    source: row[4].string ?? "", resultID: row[5].int, reviewStatus: row[6].string ?? "pending",
                    reportable: row[7].int.map { $0 == 1 }, reportableOverride: row[8].int.map { $0 == 1 }, pdfCount: row[9].int ?? 0))
        }
        return attainments
    }
}

/// One shared copy of each distinct string (a school's name on 100,000 students is one buffer).
struct StringPool {
    private var pool: Set<String> = []

    mutating func intern(_ text: String?) -> String? {
        guard let text else { return nil }
        if text.utf8.count <= 15 { return text }  // short strings are stored inline anyway
        if let shared = pool.firstIndex(of: text) { return pool[shared] }
        pool.insert(text)
        return text
    }
}
