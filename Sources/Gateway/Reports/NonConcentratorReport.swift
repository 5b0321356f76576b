import CertGateCore
import Foundation
import Store

/// Attainments of Perkins-reportable credentials earned by students who are not CTE
/// concentrators: information for school leads (they do not count for Perkins 5S1), not a task
/// per record (`certgate report non-concentrators`, and the console's dashboard).
public struct NonConcentratorReport: Sendable, Codable {
    public struct Row: Sendable, Codable, Equatable {
        public var attainment: Int
        public var studentID: String
        public var school: String?
        public var credential: String
        public var earnedOn: String
        public var reviewStatus: String

        enum CodingKeys: String, CodingKey {
            case attainment, school, credential
            case studentID = "student_id", earnedOn = "earned_on", reviewStatus = "review_status"
        }
    }

    public var rows: [Row]
    /// Attainments by school (empty for students with no school).
    public var bySchool: [String: Int]

    enum CodingKeys: String, CodingKey {
        case rows
        case bySchool = "by_school"
    }
}

extension Gateway {
    /// Attainments (not rejected) of Perkins-reportable credentials whose students are not concentrators.
    /// - Parameters:
    ///   - school: only this school's.
    ///   - year: only those earned in this school year.
    public func nonConcentratorReport(school: String? = nil, year: SchoolYear? = nil) throws -> NonConcentratorReport {
        let catalog = try CredentialCatalog.load(directory: configDirectory)
        let rules = try Rules.load(directory: configDirectory)
        var report = NonConcentratorReport(rows: [], bySchool: [:])
        try database.read { transaction in
            try transaction.forEach(
                """
                SELECT a.id, a.student_id, s.school, a.credential_code, a.earned_on, a.review_status
                FROM attainments a JOIN students s ON s.student_id = a.student_id
                WHERE s.cte_concentrator = 0 AND a.review_status <> 'rejected' AND (?1 IS NULL OR s.school = ?1)
                ORDER BY s.school, a.student_id, a.earned_on, a.id
                """, [school]
            ) { row in
                guard let credential = catalog.credential(row[3].string ?? ""), credential.perkinsReportable,
                    let earned = CalendarDate(parsing: row[4].string ?? "")
                else { return }
                if let year, rules.schoolYear(of: earned) != year { return }
                let entry = NonConcentratorReport.Row(
                    attainment: row[0].int ?? 0, studentID: row[1].string ?? "", school: row[2].string, credential: credential.code,
                    earnedOn: earned.description, reviewStatus: row[5].string ?? "")
                report.rows.append(entry)
                report.bySchool[entry.school ?? "", default: 0] += 1
            }
        }
        return report
    }
}
