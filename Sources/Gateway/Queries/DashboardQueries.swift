public import CertGateCore
import Foundation
import Store

/// The dashboard's figures for one school year, limited to what one user may see.
public struct DashboardFigures: Sendable {
    public struct Attainments: Sendable {
        public var school: String
        public var program: String
        public var credential: String
        public var count: Int
    }

    public struct PassRate: Sendable {
        public var provider: String
        public var exam: String
        public var attempts: Int
        public var passed: Int
        public var rate: Double { attempts == 0 ? 0 : Double(passed) / Double(attempts) }
    }

    public var schoolYear: SchoolYear
    /// Attainments earned that year (rejected ones left out), by school and credential; the
    /// program is the one of the credential's aligned courses in the enrollments.
    public var attainments: [Attainments]
    /// Exam attempts that year by provider and exam, with how many passed.
    public var passRates: [PassRate]

    /// Totals by one key, largest first.
    public func totals(by key: (Attainments) -> String) -> [(name: String, count: Int)] {
        Dictionary(grouping: attainments, by: key).map { ($0.key, $0.value.reduce(0) { $0 + $1.count }) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
    }
}

extension Gateway {
    /// The school years with attainments or exam results, newest first (the dashboard's choice).
    public func schoolYearsWithData() throws -> [SchoolYear] {
        let rules = try Rules.load(directory: configDirectory)
        // The first and last dates (indexed), and every school year between them.
        let ends = try database.read { transaction in
            try transaction.query(
                """
                SELECT MIN(earned_on) FROM attainments UNION ALL SELECT MAX(earned_on) FROM attainments
                UNION ALL SELECT MIN(attempted_at) FROM exam_results UNION ALL SELECT MAX(attempted_at) FROM exam_results
                """
            ).compactMap { $0[0].string.flatMap { CalendarDate(parsing: $0.prefix(10)) } }.map { rules.schoolYear(of: $0).startYear }
        }
        guard let first = ends.min(), let last = ends.max() else { return [] }
        return (first...last).reversed().map { SchoolYear(startYear: $0) }
    }

    /// The school year a day falls in, by the district's rules.
    public func schoolYear(of day: CalendarDate) throws -> SchoolYear {
        try Rules.load(directory: configDirectory).schoolYear(of: day)
    }

    /// Attainments and pass rates of a school year, for what `account` sees:
    /// coordinators and auditors everything; school leads (and clerks or teachers tied to
    /// schools) their schools; teachers the students enrolled in their courses. Counted in SQL.
    public func dashboardFigures(visibleTo account: UserAccount, schoolYear year: SchoolYear) throws -> DashboardFigures {
        let rules = try Rules.load(directory: configDirectory)
        let catalog = try CredentialCatalog.load(directory: configDirectory)
        let (start, end) = rules.days(of: year)
        let everyone = account.role == .cteCoordinator || account.role == .auditor
        let schools = everyone || account.schools.isEmpty ? nil : try JSONEncoder.sortedString(account.schools)
        let teacher = account.role == .cteTeacher ? (account.teacherName ?? "\u{0}") : nil
        // ?3 schools, ?4 teacher: who the user sees (as for tasks).
        let visible = """
            (?3 IS NULL OR s.school IN (SELECT value FROM json_each(?3)))
            AND (?4 IS NULL OR EXISTS (SELECT 1 FROM enrollments e WHERE e.student_id = s.student_id AND e.teacher = ?4))
            """
        return try database.read { transaction in
            var programOfCourse: [String: String] = [:]
            try transaction.forEach("SELECT DISTINCT course_number, program FROM enrollments WHERE program IS NOT NULL") { row in
                if let course = row[0].string, let program = row[1].string { programOfCourse[course] = program }
            }
            let attainments = try transaction.query(
                """
                SELECT COALESCE(s.school, ''), a.credential_code, COUNT(*) FROM attainments a JOIN students s ON s.student_id = a.student_id
                WHERE a.earned_on >= ?1 AND a.earned_on < ?2 AND a.review_status <> 'rejected' AND \(visible)
                GROUP BY 1, 2 ORDER BY 1, 2
                """, [start, end, schools, teacher]
            ).map { row -> DashboardFigures.Attainments in
                let code = row[1].string ?? ""
                let program = catalog.credential(code)?.courses.lazy.compactMap { programOfCourse[$0] }.first
                return DashboardFigures.Attainments(
                    school: row[0].string ?? "", program: program ?? "(no aligned course)", credential: code, count: row[2].int ?? 0)
            }
            let passRates = try transaction.query(
                """
                SELECT r.provider_id, r.exam_code, COUNT(*), SUM(CASE WHEN r.outcome = 'pass' THEN 1 ELSE 0 END) FROM exam_results r
                \(everyone ? "" : "JOIN matches m ON m.result_id = r.id AND m.status IN ('matched', 'confirmed') JOIN students s ON s.student_id = m.student_id")
                WHERE r.attempted_at >= ?1 AND r.attempted_at < ?2 \(everyone ? "AND ?3 IS NULL AND ?4 IS NULL" : "AND " + visible)
                GROUP BY 1, 2 ORDER BY 1, 2
                """, [start, end, schools, teacher]
            ).map { DashboardFigures.PassRate(provider: $0[0].string ?? "", exam: $0[1].string ?? "", attempts: $0[2].int ?? 0, passed: $0[3].int ?? 0) }
            return DashboardFigures(schoolYear: year, attainments: attainments, passRates: passRates)
        }
    }
}
