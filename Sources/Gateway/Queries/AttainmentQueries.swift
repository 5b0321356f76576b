import CertGateCore
import Foundation
import Store

/// One attainment as the command line and the console list it.
public struct AttainmentListing: Sendable, Encodable {
    public var id: Int
    public var studentID: String
    /// The student's school.
    public var school: String?
    public var credentialCode: String
    public var earnedOn: String
    public var source: String
    public var reviewStatus: ReviewStatus
    public var verificationMethod: String?
    public var reportable: Bool?
    /// Certificate PDFs attached.
    public var pdfs: Int

    enum CodingKeys: String, CodingKey {
        case id, source, reportable, pdfs, school
        case studentID = "student_id", credentialCode = "credential_code", earnedOn = "earned_on", reviewStatus = "review_status"
        case verificationMethod = "verification_method"
    }
}

extension Gateway {
    /// Attainments by student and date.
    /// - Parameters:
    ///   - schools: only students of these schools (a school lead's).
    ///   - id: one attainment only.
    ///   - openTask: only attainments with an open task of this kind.
    ///   - limit, offset: one page of them.
    public func attainments(
        student: String? = nil, status: ReviewStatus? = nil, schools: [String]? = nil, id: Int? = nil, openTask: TaskKind? = nil,
        limit: Int? = nil, offset: Int = 0
    ) throws -> [AttainmentListing] {
        var conditions = QueryConditions()
        conditions.add("a.student_id = ?", ifGiven: student)
        conditions.add("a.review_status = ?", ifGiven: status?.rawValue)
        conditions.add("s.school IN (SELECT value FROM json_each(?))", ifGiven: try schools.map { try JSONEncoder.sortedString($0) })
        conditions.add("a.id = ?", ifGiven: id)
        conditions.add(
            "CAST(a.id AS TEXT) IN (SELECT subject_id FROM tasks WHERE subject_type = 'attainment' AND kind = ? AND status = 'open')",
            ifGiven: openTask?.rawValue)
        return try database.read { transaction in
            try transaction.query(
                """
                SELECT a.id, a.student_id, a.credential_code, a.earned_on, a.source, a.review_status, a.verification_method,
                       a.reportable, (SELECT COUNT(*) FROM attainment_evidence e WHERE e.attainment_id = a.id), s.school
                FROM attainments a LEFT JOIN students s ON s.student_id = a.student_id \(conditions.sql)
                ORDER BY a.student_id, a.earned_on, a.id LIMIT ? OFFSET ?
                """, conditions.arguments + [limit ?? Int.max, offset]
            ).compactMap { row in
                guard let status = row[5].string.flatMap(ReviewStatus.init) else { return nil }
                return AttainmentListing(
                    id: row[0].int ?? 0, studentID: row[1].string ?? "", school: row[9].string, credentialCode: row[2].string ?? "",
                    earnedOn: row[3].string ?? "", source: row[4].string ?? "", reviewStatus: status, verificationMethod: row[6].string,
                    reportable: row[7].int.map { $0 != 0 }, pdfs: row[8].int ?? 0)
            }
        }
    }

    /// How many attainments have this review status (of these schools' students, if given).
    public func attainmentCount(status: ReviewStatus, schools: [String]?) throws -> Int {
        var conditions = QueryConditions()
        conditions.add("a.review_status = ?", status.rawValue)
        conditions.add("s.school IN (SELECT value FROM json_each(?))", ifGiven: try schools.map { try JSONEncoder.sortedString($0) })
        return try database.read { transaction in
            try transaction.scalar(
                "SELECT COUNT(*) FROM attainments a LEFT JOIN students s ON s.student_id = a.student_id \(conditions.sql)", conditions.arguments
            ).int ?? 0
        }
    }

    /// Pending attainments backed by a provider's score report with no open task: what a
    /// reviewer could approve without more evidence.
    public func attainmentsReadyForReview() throws -> [Int] {
        try database.read { transaction in
            try transaction.query(
                """
                SELECT a.id FROM attainments a WHERE a.review_status = 'pending' AND a.source = 'report'
                AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.status = 'open' AND t.subject_type = 'attainment' AND t.subject_id = CAST(a.id AS TEXT))
                ORDER BY a.id
                """
            ).compactMap { $0[0].int }
        }
    }
}
