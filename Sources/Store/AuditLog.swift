import CertGateCore
public import Foundation

/// Appends events to the audit chain: each event's hash covers its fields and the previous
/// event's hash, so altering or removing an event breaks every hash after it.
public enum AuditLog {
    /// The hash before the first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// Appends one event inside the caller's transaction.
    /// - Parameters:
    ///   - before, after: JSON of the subject's state; never names or dates of birth beyond what
    ///     the record itself holds.
    public static func append(
        _ transaction: Transaction, actor: String, action: String, subjectType: String, subjectID: String,
        before: String? = nil, after: String? = nil, at date: Date = Date()
    ) throws {
        // The head is read once per transaction, as the chain's only writer until it ends; each
        // event takes the next number itself, so the chain has no gaps on either engine (a
        // PostgreSQL sequence would skip the numbers of rolled-back transactions).
        let previous: AuditHead
        if let head = transaction.auditHead {
            previous = head
        } else {
            try transaction.lockAuditChain()
            let row = try transaction.query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").first
            previous = AuditHead(seq: row?["seq"].int ?? 0, hash: row?["hash"].string ?? genesis)
        }
        let at = Timestamp.string(date)
        let hash = eventHash(
            previous: previous.hash, at: at, actor: actor, action: action, subjectType: subjectType, subjectID: subjectID,
            before: before, after: after)
        // Nothing waits on the insert: pipelined on PostgreSQL, and a failure still fails the transaction.
        try transaction.executeLater(
            """
            INSERT INTO audit_events (seq, at, actor, action, subject_type, subject_id, before_json, after_json, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [previous.seq + 1, at, actor, action, subjectType, subjectID, before, after, previous.hash, hash])
        transaction.auditHead = AuditHead(seq: previous.seq + 1, hash: hash)
    }

    /// The hash of one event: SHA-256 over its fields, each length-prefixed so no two different
    /// events can produce the same input.
    public static func eventHash(
        previous: String, at: String, actor: String, action: String, subjectType: String, subjectID: String,
        before: String?, after: String?
    ) -> String {
        var hasher = SHA256()
        for field in [previous, at, actor, action, subjectType, subjectID, before ?? "\u{0}", after ?? "\u{0}"] {
            hasher.update("\(field.utf8.count):")
            hasher.update(field)
        }
        return hasher.finalizeHex()
    }
}

