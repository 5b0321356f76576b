import CertGateCore
import Foundation
import Store

/// Kinds of task people act on. Each kind has at most one open task per subject.
public enum TaskKind: String, Sendable, CaseIterable {
    /// A result could belong to one of several students (or its provider student ID disagrees).
    case matchReview = "match_review"
    /// No roster student resembles a result.
    case unmatchedResult = "unmatched_result"
}

/// Opens and closes tasks. Opening a task that is already open updates its explanation instead of
/// adding a second one; closing records who, when and why.
enum TaskRecords {
    static func open(
        _ kind: TaskKind, subjectType: String, subjectID: String, explanation: String, assigneeRole: String, school: String?,
        dueInDays: Int, _ transaction: Transaction, actor: String, now: Date
    ) throws {
        let existing = try transaction.scalar(
            "SELECT id FROM tasks WHERE kind = ? AND subject_type = ? AND subject_id = ? AND status = 'open'",
            [kind.rawValue, subjectType, subjectID])
        if let id = existing.int {
            try transaction.execute("UPDATE tasks SET explanation = ?, school = ? WHERE id = ?", [explanation, school, id])
            return
        }
        let due = Timestamp.string(now.addingTimeInterval(Double(dueInDays) * 86_400)).prefix(10)
        try transaction.execute(
            """
            INSERT INTO tasks (kind, subject_type, subject_id, status, explanation, assignee_role, school, due_on, created_at)
            VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)
            """, [kind.rawValue, subjectType, subjectID, explanation, assigneeRole, school, String(due), Timestamp.string(now)])
        try AuditLog.append(
            transaction, actor: actor, action: "task.open", subjectType: "task", subjectID: "\(transaction.lastInsertRowID)",
            after: #"{"kind":"\#(kind.rawValue)","subject":"\#(subjectType):\#(subjectID)"}"#, at: now)
    }

    /// Resolves the open tasks of these kinds for a subject; returns how many were closed.
    @discardableResult
    static func resolve(
        _ kinds: [TaskKind], subjectType: String, subjectID: String, note: String, _ transaction: Transaction, actor: String,
        now: Date
    ) throws -> Int {
        var closed = 0
        for kind in kinds {
            let rows = try transaction.query(
                "SELECT id FROM tasks WHERE kind = ? AND subject_type = ? AND subject_id = ? AND status = 'open'",
                [kind.rawValue, subjectType, subjectID])
            for row in rows {
                try transaction.execute(
                    "UPDATE tasks SET status = 'resolved', closed_at = ?, closed_by = ?, resolution_note = ? WHERE id = ?",
                    [Timestamp.string(now), actor, note, row["id"]])
                try AuditLog.append(
                    transaction, actor: actor, action: "task.resolve", subjectType: "task", subjectID: "\(row["id"].int ?? 0)",
                    after: ResultRecords.json([("resolution_note", .text(note))]), at: now)
                closed += 1
            }
        }
        return closed
    }
}
