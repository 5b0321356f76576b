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

/// The newest event of the audit chain: its sequence number and hash, `SEQ:HASH`.
///
/// Anyone who can write the database file could drop the append-only triggers, edit an event and
/// recompute every hash after it; the chain would verify. A head kept outside the database (the
/// weekly job's mail, a ticket, a printout) defeats that: `audit verify --head` proves the chain
/// still passes through it, which a rewritten chain cannot.
public struct AuditHead: Sendable, Codable, Equatable, CustomStringConvertible {
    public var seq: Int
    public var hash: String

    public init(seq: Int, hash: String) {
        self.seq = seq
        self.hash = hash
    }

    /// Reads `SEQ:HASH`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let seq = Int(parts[0]), seq >= 0, parts[1].count == 64,
            parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        else { return nil }
        self.init(seq: seq, hash: String(parts[1]))
    }

    public var description: String { "\(seq):\(hash)" }
}

extension AuditLog {
    /// The chain's newest event (seq 0 and the genesis hash when it is empty).
    public static func head(_ database: Database) throws -> AuditHead {
        try database.read { transaction in
            let row = try transaction.query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").first
            return AuditHead(seq: row?["seq"].int ?? 0, hash: row?["hash"].string ?? genesis)
        }
    }

    /// Recomputes every event's hash and checks each links to the one before: names the first
    /// event that was altered, or where events were removed.
    /// - Parameter head: a head recorded earlier; the chain must still pass through it.
    public static func verify(_ database: Database, head: AuditHead? = nil) throws -> AuditVerification {
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
                if failure == nil, let head, seq == head.seq, stored != head.hash {
                    failure = (seq, "event \(seq) is not the one recorded as the head (\(head)): the chain was rewritten")
                }
                previousHash = stored
                previousSeq = seq
            }
            if failure == nil, let head, head.seq > previousSeq || (head.seq == 0 && head.hash != genesis) {
                failure = (previousSeq + 1, "the recorded head \(head) is no longer in the chain (it ends at event \(previousSeq)): events were removed")
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
