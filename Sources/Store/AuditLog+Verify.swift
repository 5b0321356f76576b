import Foundation

/// The outcome of checking the audit chain.
public struct AuditVerification: Sendable, Codable, Equatable {
    public var events: Int
    public var intact: Bool
    /// The first event that was altered, or after which events were removed.
    public var firstBadEvent: Int?
    public var problem: String?

    enum CodingKeys: String, CodingKey {
        case events, intact, problem
        case firstBadEvent = "first_bad_event"
    }
}

extension AuditLog {
    /// Recomputes every event's hash and checks each links to the one before: names the first
    /// event that was altered, or where events were removed.
    public static func verify(_ database: Database) throws -> AuditVerification {
        try database.read { transaction in
            var previousHash = genesis
            var previousSeq = 0
            var count = 0
            var failure: (Int, String)?
            try transaction.forEach("SELECT * FROM audit_events ORDER BY seq") { row in
                guard failure == nil else { return }
                count += 1
                let seq = row["seq"].int ?? 0
                let stored = row["hash"].string ?? ""
                let recomputed = eventHash(
                    previous: row["prev_hash"].string ?? "", at: row["at"].string ?? "", actor: row["actor"].string ?? "",
                    action: row["action"].string ?? "", subjectType: row["subject_type"].string ?? "",
                    subjectID: row["subject_id"].string ?? "", before: row["before_json"].string, after: row["after_json"].string)
                if seq != previousSeq + 1 || row["prev_hash"].string != previousHash {
                    failure = (seq, "event \(seq) does not follow event \(previousSeq): events before it were removed or reordered")
                } else if recomputed != stored {
                    failure = (seq, "event \(seq) (\(row["action"].string ?? "")) was altered: its content no longer matches its hash")
                }
                previousHash = stored
                previousSeq = seq
            }
            return AuditVerification(events: count, intact: failure == nil, firstBadEvent: failure?.0, problem: failure?.1)
        }
    }

    /// Every event about one subject, oldest first.
    public static func history(_ database: Database, subjectType: String?, subjectID: String) throws -> [SQLRow] {
        try database.read {
            try $0.query(
                """
                SELECT seq, at, actor, action, subject_type, subject_id, before_json, after_json FROM audit_events
                WHERE subject_id = ?1 AND (?2 IS NULL OR subject_type = ?2) ORDER BY seq
                """, [subjectID, subjectType])
        }
    }
}
