public import CertGateCore
import Foundation
import Store

/// What a teacher says happened at an exam.
public enum ClaimOutcome: String, Sendable, CaseIterable, Codable {
    case pass, fail
}

/// Where a claim came from: the console's "Log a certificate" form, or a teacher's log file.
public enum ClaimOrigin: String, Sendable, Codable {
    case console, file
}

/// A teacher's claim that a student earned (or failed) a credential: District C's spreadsheet
/// row. The evidence policy checks it like any attainment: a passing claim that no provider result
/// and no PDF backs raises `evidence_missing` for the teacher.
@dynamicMemberLookup
public struct Claim: Sendable {
    public var id: Int
    /// What was logged.
    public var entry: ClaimEntry
    public var loggedBy: String
    public var loggedAt: String
    /// What the checks found backs it (a provider result, a certificate PDF), and when; nil
    /// while nothing does.
    public var verifiedBy: String?
    public var verifiedAt: String?

    public subscript<Value>(dynamicMember field: KeyPath<ClaimEntry, Value>) -> Value { entry[keyPath: field] }
}

/// A claim as logged: everything but what the store assigns.
public struct ClaimEntry: Sendable {
    public var studentID: String
    public var credentialCode: String
    public var examDate: CalendarDate
    public var outcome: ClaimOutcome
    public var proctor: String?
    public var teacher: String
    public var origin: ClaimOrigin
    public var originDetail: String?

    public init(
        studentID: String, credentialCode: String, examDate: CalendarDate, outcome: ClaimOutcome, proctor: String?, teacher: String,
        origin: ClaimOrigin, originDetail: String? = nil
    ) {
        self.studentID = studentID
        self.credentialCode = credentialCode
        self.examDate = examDate
        self.outcome = outcome
        self.proctor = proctor
        self.teacher = teacher
        self.origin = origin
        self.originDetail = originDetail
    }
}

extension Gateway {
    /// Stores a claim (logging the same student, credential, exam date and teacher again updates
    /// it), audits it, and runs the student's checks.
    @discardableResult
    public func logClaim(_ entry: ClaimEntry, today: CalendarDate? = nil) throws -> Claim {
        let catalog = try CredentialCatalog.load(directory: configDirectory)
        guard catalog.credential(entry.credentialCode) != nil else {
            throw CertGateError(.input, "no credential '\(entry.credentialCode)' in the catalog (config/credentials.json)")
        }
        let now = Date()
        let day = today ?? CalendarDate.day(of: now)
        guard entry.examDate <= day else { throw CertGateError(.input, "the exam date \(entry.examDate) is in the future") }
        let proctor = entry.proctor?.trimmingCharacters(in: .whitespaces)
        let claim = try database.write { transaction -> Claim in
            guard try transaction.scalar("SELECT 1 FROM students WHERE student_id = ?", [entry.studentID]).int != nil else {
                throw CertGateError(.input, "no student \(entry.studentID) in the roster")
            }
            let stamp = Timestamp.string(now)
            try transaction.execute(
                """
                INSERT INTO claims (student_id, credential_code, exam_date, outcome, proctor, teacher, origin, origin_detail,
                                    logged_by, logged_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (student_id, credential_code, exam_date, teacher) DO UPDATE SET
                    outcome = excluded.outcome, proctor = excluded.proctor, origin = excluded.origin,
                    origin_detail = excluded.origin_detail, updated_at = excluded.updated_at
                """,
                [entry.studentID, entry.credentialCode, entry.examDate.description, entry.outcome.rawValue,
                 proctor?.isEmpty == false ? proctor : nil, entry.teacher, entry.origin.rawValue, entry.originDetail, actor, stamp, stamp])
            guard let stored = try Self.claims(transaction, where: "student_id = ? AND credential_code = ? AND exam_date = ? AND teacher = ?",
                [entry.studentID, entry.credentialCode, entry.examDate.description, entry.teacher]).first
            else { throw CertGateError(.database, "a claim just stored cannot be read back") }
            try AuditLog.append(
                transaction, actor: actor, action: "claim.log", subjectType: "claim", subjectID: "\(stored.id)",
                after: ResultRecords.json([
                    ("student_id", .text(entry.studentID)), ("credential", .text(entry.credentialCode)),
                    ("exam_date", .text(entry.examDate.description)), ("outcome", .text(entry.outcome.rawValue)),
                    ("teacher", .text(entry.teacher)), ("origin", .text(entry.origin.rawValue)),
                ]), at: now)
            return stored
        }
        _ = try runChecks(students: [entry.studentID], today: day)
        return claim
    }

    /// A student's claims, newest exam first.
    public func claims(student: String) throws -> [Claim] {
        try database.read { try Self.claims($0, where: "student_id = ?", [student]) }
    }

    static func claims(_ transaction: Transaction, where condition: String, _ arguments: [any SQLBindable]) throws -> [Claim] {
        try transaction.query(
            """
            SELECT id, student_id, credential_code, exam_date, outcome, proctor, teacher, origin, logged_by, logged_at, origin_detail,
                   verified_by, verified_at
            FROM claims WHERE \(condition) ORDER BY exam_date DESC, id DESC
            """, arguments
        ).compactMap { row in
            guard let date = row[3].string.flatMap({ CalendarDate(parsing: $0) }), let outcome = row[4].string.flatMap(ClaimOutcome.init),
                let origin = row[7].string.flatMap(ClaimOrigin.init)
            else { return nil }
            return Claim(
                id: row[0].int ?? 0,
                entry: ClaimEntry(
                    studentID: row[1].string ?? "", credentialCode: row[2].string ?? "", examDate: date, outcome: outcome,
                    proctor: row[5].string, teacher: row[6].string ?? "", origin: origin, originDetail: row[10].string),
                loggedBy: row[8].string ?? "", loggedAt: row[9].string ?? "", verifiedBy: row[11].string, verifiedAt: row[12].string)
        }
    }
}
