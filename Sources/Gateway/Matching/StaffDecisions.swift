import CertGateCore
import Foundation
import Store

extension Gateway {
    /// Matches results that are new or changed since they were last matched.
    public func matchChangedResults(progress: (MatchSummary) -> Void = { _ in }) throws -> MatchSummary {
        try matchChangedResults(roster: nil, progress: progress)
    }

    /// - Parameter roster: the roster index, when a pull built it ahead.
    func matchChangedResults(roster: RosterIndex?, progress: (MatchSummary) -> Void) throws -> MatchSummary {
        let summary = try MatchRun(database: database, configDirectory: configDirectory, actor: actor)
            .run(.changed, roster: roster, progress: progress)
        Self.returnFreedMemory()
        return summary
    }

    /// Hands memory freed by a large run (the matcher's roster index, parsed batches) back to the
    /// system before the checks read everything, so the process's peak stays that of one step,
    /// not of all of them.
    static func returnFreedMemory() {
        #if os(Linux)
            _ = glibcMallocTrim(0)
        #endif
    }

    /// Staff confirm that a result belongs to a student (`certgate match link`): the decision is
    /// recorded with actor and time, this provider's candidate ID is linked to the student (so its
    /// other results follow), the result's match tasks are resolved, and no later automatic run
    /// changes it.
    public func linkResult(_ resultID: Int, to studentID: String, note: String? = nil) throws -> MatchSummary {
        let now = Date()
        let (provider, candidate) = try database.write { transaction -> (String, String?) in
            let result = try Self.result(resultID, transaction)
            guard try transaction.scalar("SELECT 1 FROM students WHERE student_id = ?", [studentID]) != .null else {
                throw CertGateError(.input, "no student \(studentID) in the roster")
            }
            let before = try Self.matchState(resultID, transaction)
            try Self.decide(resultID, studentID: studentID, status: "confirmed", note: note, transaction, actor: actor, now: now)
            let provider = result["provider_id"].string ?? ""
            let candidate = result["candidate_id"].string
            if let candidate {
                try transaction.execute(
                    """
                    INSERT INTO candidate_links (provider_id, candidate_id, student_id, source, created_by, created_at)
                    VALUES (?, ?, ?, 'staff', ?, ?)
                    ON CONFLICT (provider_id, candidate_id) DO UPDATE SET student_id = excluded.student_id, source = 'staff',
                        created_by = excluded.created_by, created_at = excluded.created_at
                    """, [provider, candidate, studentID, actor, Timestamp.string(now)])
            }
            try TaskRecords.resolve(
                [.matchReview, .unmatchedResult], subjectType: "exam_result", subjectID: "\(resultID)",
                note: "linked to student \(studentID) by \(actor)" + (note.map { ": \($0)" } ?? ""), transaction, actor: actor, now: now)
            try AuditLog.append(
                transaction, actor: actor, action: "match.link", subjectType: "exam_result", subjectID: "\(resultID)",
                before: before, after: try Self.matchState(resultID, transaction), at: now)
            return (provider, candidate)
        }
        var followed = MatchSummary()
        if let candidate {
            // The candidate's other undecided results can now follow the link.
            followed = try MatchRun(database: database, configDirectory: configDirectory, actor: actor)
                .run(.candidate(provider: provider, candidateID: candidate))
        }
        _ = try runChecks(changedSince: now)
        return followed
    }

    /// Staff say a result is none of the district's students (`certgate match reject`). A link the
    /// matcher had learned from it is forgotten.
    public func rejectResult(_ resultID: Int, note: String? = nil) throws {
        let now = Date()
        try database.write { transaction in
            let result = try Self.result(resultID, transaction)
            let before = try Self.matchState(resultID, transaction)
            let previous = try transaction.scalar("SELECT student_id FROM matches WHERE result_id = ?", [resultID]).string
            try Self.decide(resultID, studentID: nil, status: "rejected", note: note, transaction, actor: actor, now: now)
            if let previous, let candidate = result["candidate_id"].string {
                try transaction.execute(
                    "DELETE FROM candidate_links WHERE provider_id = ? AND candidate_id = ? AND student_id = ? AND source = 'auto'",
                    [result["provider_id"].string, candidate, previous])
            }
            try TaskRecords.resolve(
                [.matchReview, .unmatchedResult], subjectType: "exam_result", subjectID: "\(resultID)",
                note: "rejected by \(actor)" + (note.map { ": \($0)" } ?? ""), transaction, actor: actor, now: now)
            try AuditLog.append(
                transaction, actor: actor, action: "match.reject", subjectType: "exam_result", subjectID: "\(resultID)",
                before: before, after: try Self.matchState(resultID, transaction), at: now)
        }
        _ = try runChecks(changedSince: now)
    }

    private static func result(_ id: Int, _ transaction: Transaction) throws -> SQLRow {
        guard let row = try transaction.query("SELECT * FROM exam_results WHERE id = ?", [id]).first else {
            throw CertGateError(.input, "no result \(id); see certgate results")
        }
        return row
    }

    private static func decide(
        _ resultID: Int, studentID: String?, status: String, note: String?, _ transaction: Transaction, actor: String, now: Date
    ) throws {
        let details = ResultRecords.json([("reason", note.map { .text($0) } ?? .null)])
        try transaction.execute(
            """
            INSERT INTO matches (result_id, student_id, status, method, score, details, decided_by, decided_at)
            VALUES (?, ?, ?, 'staff', NULL, ?, ?, ?)
            ON CONFLICT (result_id) DO UPDATE SET student_id = excluded.student_id, status = excluded.status,
                method = 'staff', score = NULL, details = excluded.details, decided_by = excluded.decided_by,
                decided_at = excluded.decided_at
            """, [resultID, studentID, status, details, actor, Timestamp.string(now)])
    }

    private static func matchState(_ resultID: Int, _ transaction: Transaction) throws -> String? {
        guard let row = try transaction.query("SELECT student_id, status, method FROM matches WHERE result_id = ?", [resultID]).first
        else { return nil }
        return ResultRecords.json([("student_id", row["student_id"]), ("status", row["status"]), ("method", row["method"])])
    }
}

#if os(Linux)
    /// glibc's `malloc_trim` (in `<malloc.h>`, which the Glibc module does not export).
    @_silgen_name("malloc_trim")
    private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
