import CertGateCore
import Foundation
import Store

/// Kinds of task people act on. Each kind has at most one open task per subject.
public enum TaskKind: String, Sendable, CaseIterable, Codable {
    /// A result could belong to one of several students (or its provider student ID disagrees).
    case matchReview = "match_review"
    /// No roster student resembles a result.
    case unmatchedResult = "unmatched_result"
    /// The evidence policy asks for a score report or PDF the attainment does not have.
    case evidenceMissing = "evidence_missing"
    /// An attempt came sooner after the previous one than a retake rule allows.
    case retakeTooSoon = "retake_too_soon"
    /// More attempts of one exam than a retake rule allows.
    case tooManyAttempts = "too_many_attempts"
    /// The exam's proctor is the teacher of the student's aligned course.
    case proctorIsTeacher = "proctor_is_teacher"
    /// The exam code is not in the credential catalog.
    case unknownExam = "unknown_exam"
    /// The credential has no state certificate code to report it with.
    case missingStateCode = "missing_state_code"
    /// The student has no enrollment in a course aligned with the credential that year.
    case courseMismatch = "course_mismatch"
    /// The student is not a CTE concentrator, so the attainment does not count for Perkins 5S1.
    case notConcentrator = "not_concentrator"
    /// The same student has the same credential more than once.
    case duplicateAttainment = "duplicate_attainment"
    /// The credential expires soon (or has expired).
    case expiring
    /// A certificate's text names another student, credential or verification code.
    case certificateMismatch = "certificate_mismatch"
    /// A certificate has no text to read (a scan): a person must look at it.
    case evidenceUnreadable = "evidence_unreadable"
    /// The same file was uploaded for another student too.
    case evidenceReused = "evidence_reused"
    /// An upload held JavaScript, a launch action or an embedded file and was kept apart.
    case evidenceQuarantined = "evidence_quarantined"
    /// No CTE enrollments are loaded for a school and year, so course alignment cannot be checked
    /// for any of its attainments (one task for the cause; per-record tasks wait until it is fixed).
    case missingEnrollments = "missing_enrollments"
    /// No student of a school is flagged as a CTE concentrator, so none of its attainments counts
    /// for Perkins 5S1 (one task for the cause).
    case missingConcentratorFlags = "missing_concentrator_flags"
    /// A teacher's claim disagrees with the provider: logged as passed where the provider reports
    /// a failed attempt (or the reverse), or on a date far from the provider's.
    case claimConflict = "claim_conflict"
    /// An attainment backed by a provider result or a PDF that no teacher logged, in a school and
    /// year whose teachers keep logs (rules.json `reconcile.unlogged_attainments` turns it off).
    case unloggedAttainment = "unlogged_attainment"

    /// Kinds raised once for a cause that many records share (a school, a year, an exam code, a
    /// credential), naming how many records it covers: their subjects are not single records.
    public var isCause: Bool {
        [.missingEnrollments, .missingConcentratorFlags, .unknownExam, .missingStateCode].contains(self)
    }

    /// Per-record conditions that are information rather than work: reported, and raised as
    /// tasks only when the district's `information_tasks` lists them.
    public static let informationKinds: [TaskKind] = [.notConcentrator]

    /// The kinds the data checks raise and clear (matching and quarantine manage their own).
    static let checkKinds: [TaskKind] = allCases.filter {
        $0 != .matchReview && $0 != .unmatchedResult && $0 != .evidenceQuarantined
    }
}

/// Opens and closes tasks. Opening a task that is already open updates its explanation instead of
/// adding a second one; closing records who, when and why.
enum TaskRecords {
    /// A day some days after `now`, in UTC.
    static func day(_ now: Date, plus days: Int) -> CalendarDate {
        CalendarDate.day(of: now).adding(days: days)
    }

    static func open(
        _ kind: TaskKind, subjectType: String, subjectID: String, explanation: String, assigneeRole: StaffRole, school: String?,
        due: CalendarDate, _ transaction: Transaction, actor: String, now: Date
    ) throws {
        let existing = try transaction.scalar(
            "SELECT id FROM tasks WHERE kind = ? AND subject_type = ? AND subject_id = ? AND status = 'open'",
            [kind.rawValue, subjectType, subjectID])
        if let id = existing.int {
            try transaction.execute("UPDATE tasks SET explanation = ?, school = ? WHERE id = ?", [explanation, school, id])
            return
        }
        try insert(
            kind, subjectType: subjectType, subjectID: subjectID, explanation: explanation, assigneeRole: assigneeRole, school: school,
            due: due, transaction, actor: actor, now: now)
    }

    /// Adds an open task the caller knows is not open yet, and audits it; returns its ID. Should
    /// another worker have opened the same task meanwhile (PostgreSQL, two processes), the one
    /// unique open task stands and its ID is returned: a task is never open twice.
    @discardableResult
    static func insert(
        _ kind: TaskKind, subjectType: String, subjectID: String, explanation: String, assigneeRole: StaffRole, school: String?,
        due: CalendarDate, _ transaction: Transaction, actor: String, now: Date
    ) throws -> Int {
        let inserted = try transaction.scalar(
            """
            INSERT INTO tasks (kind, subject_type, subject_id, status, explanation, assignee_role, school, due_on, created_at)
            VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)
            ON CONFLICT (kind, subject_type, subject_id) WHERE status = 'open' DO NOTHING RETURNING id
            """, [kind.rawValue, subjectType, subjectID, explanation, assigneeRole.rawValue, school, due.description, Timestamp.string(now)])
        guard let id = inserted.int else {
            return try transaction.scalar(
                "SELECT id FROM tasks WHERE kind = ? AND subject_type = ? AND subject_id = ? AND status = 'open'",
                [kind.rawValue, subjectType, subjectID]
            ).int ?? 0
        }
        try AuditLog.append(
            transaction, actor: actor, action: "task.open", subjectType: "task", subjectID: "\(id)",
            after: #"{"kind":"\#(kind.rawValue)","subject":"\#(subjectType):\#(subjectID)"}"#, at: now)
        return id
    }

    /// Resolves the open tasks of these kinds for a subject; returns how many were closed.
    @discardableResult
    static func resolve(
        _ kinds: [TaskKind], subjectType: String, subjectID: String, note: String, _ transaction: Transaction, actor: String,
        now: Date
    ) throws -> Int {
        let marks = kinds.map { _ in "?" }.joined(separator: ", ")
        let rows = try transaction.query(
            "SELECT id FROM tasks WHERE subject_type = ? AND subject_id = ? AND status = 'open' AND kind IN (\(marks)) ORDER BY id",
            [subjectType, subjectID] + kinds.map(\.rawValue))
        for row in rows {
            try close(row["id"].int ?? 0, status: "resolved", note: note, closedBy: actor, transaction, actor: actor, now: now)
        }
        return rows.count
    }

    /// Closes one open task as resolved or dismissed, recording who closed it and why, and audits it.
    /// - Parameter closedBy: `certgate` when the checks closed it, else the person who did.
    static func close(
        _ id: Int, status: String, note: String, closedBy: String, _ transaction: Transaction, actor: String, now: Date
    ) throws {
        // Closed once: another worker that closed it first (PostgreSQL) leaves nothing to do.
        guard try transaction.execute(
            "UPDATE tasks SET status = ?, closed_at = ?, closed_by = ?, resolution_note = ? WHERE id = ? AND status = 'open'",
            [status, Timestamp.string(now), closedBy, note, id]) == 1
        else { return }
        try AuditLog.append(
            transaction, actor: actor, action: status == "dismissed" ? "task.dismiss" : "task.resolve", subjectType: "task",
            subjectID: "\(id)", before: #"{"status":"open"}"#,
            after: ResultRecords.json([("status", .text(status)), ("resolution_note", .text(note))]), at: now)
    }
}
