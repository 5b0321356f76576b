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
        let previous: String
        if let head = transaction.auditHead {
            previous = head
        } else {
            // The head is read once per transaction, as its only writer until it ends.
            try transaction.lockAuditChain()
            previous = try transaction.scalar("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1").string ?? genesis
        }
        let at = Timestamp.string(date)
        let hash = eventHash(
            previous: previous, at: at, actor: actor, action: action, subjectType: subjectType, subjectID: subjectID,
            before: before, after: after)
        try transaction.execute(
            """
            INSERT INTO audit_events (at, actor, action, subject_type, subject_id, before_json, after_json, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [at, actor, action, subjectType, subjectID, before, after, previous, hash])
        transaction.auditHead = hash
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

