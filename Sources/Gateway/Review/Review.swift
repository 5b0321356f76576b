import CertGateCore
import Foundation
import Store

/// How staff confirmed an attainment (seed 003: required before a review leaves pending).
public enum VerificationMethod: String, Sendable, CaseIterable {
    case scoreReport = "score_report"
    case certificatePDF = "certificate_pdf"
    case providerVerification = "provider_verification"
    case digitalBadge = "digital_badge"
    case other
}

/// The review decisions of seed 003.
public enum ReviewDecision: String, Sendable, CaseIterable {
    case approve, reject
    case followUp = "follow-up"

    var status: String {
        switch self {
        case .approve: "approved"
        case .reject: "rejected"
        case .followUp: "follow_up"
        }
    }
}

extension Gateway {
    /// Records a review (`certgate review approve|reject|follow-up`): a verification method is
    /// required, comments are kept (the audit trail holds every earlier one), reportability is
    /// recomputed and the checks run again.
    public func review(
        attainment id: Int, decision: ReviewDecision, method: VerificationMethod, comment: String?
    ) throws -> CheckSummary {
        let now = Date()
        let student = try database.write { transaction in
            guard let row = try transaction.query("SELECT * FROM attainments WHERE id = ?", [id]).first else {
                throw CertGateError(.input, "no attainment \(id); see certgate attainments")
            }
            let before = ResultRecords.json([
                ("review_status", row["review_status"]), ("verification_method", row["verification_method"]),
                ("review_comment", row["review_comment"]),
            ])
            try transaction.execute(
                """
                UPDATE attainments SET review_status = ?, verification_method = ?, review_comment = ?, reviewed_by = ?, reviewed_at = ?
                WHERE id = ?
                """, [decision.status, method.rawValue, comment, actor, Timestamp.string(now), id])
            try AuditLog.append(
                transaction, actor: actor, action: "review.\(decision.rawValue)", subjectType: "attainment", subjectID: "\(id)",
                before: before,
                after: ResultRecords.json([
                    ("review_status", .text(decision.status)), ("verification_method", .text(method.rawValue)),
                    ("review_comment", comment.map { .text($0) } ?? .null),
                ]), at: now)
            return row["student_id"].string ?? ""
        }
        return try runChecks(students: [student])
    }

    /// Overrides (or, with nil, restores) the computed reportable-for-Perkins flag, with a note.
    public func overrideReportable(attainment id: Int, reportable: Bool?, note: String) throws {
        let now = Date()
        let student = try database.write { transaction in
            guard let row = try transaction.query("SELECT reportable, reportable_override, student_id FROM attainments WHERE id = ?", [id]).first else {
                throw CertGateError(.input, "no attainment \(id); see certgate attainments")
            }
            try transaction.execute(
                "UPDATE attainments SET reportable_override = ?, reportable_note = ? WHERE id = ?", [reportable, note, id])
            try AuditLog.append(
                transaction, actor: actor, action: "attainment.reportable", subjectType: "attainment", subjectID: "\(id)",
                before: ResultRecords.json([("reportable", row["reportable"]), ("reportable_override", row["reportable_override"])]),
                after: ResultRecords.json([
                    ("reportable_override", reportable.map { .integer($0 ? 1 : 0) } ?? .null), ("reportable_note", .text(note)),
                ]), at: now)
            return row["student_id"].string ?? ""
        }
        _ = try runChecks(students: [student])
    }

    /// Closes a task by hand (`certgate tasks resolve|dismiss`); the checks will not raise it again
    /// for the same subject.
    public func closeTask(_ id: Int, dismiss: Bool, note: String) throws {
        let now = Date()
        try database.write { transaction in
            guard let row = try transaction.query("SELECT status FROM tasks WHERE id = ?", [id]).first else {
                throw CertGateError(.input, "no task \(id); see certgate tasks")
            }
            guard row["status"].string == "open" else {
                throw CertGateError(.conflict, "task \(id) is already \(row["status"].string ?? "closed")")
            }
            try TaskRecords.close(
                id, status: dismiss ? "dismissed" : "resolved", note: note, closedBy: actor, transaction, actor: actor, now: now)
        }
    }
}
