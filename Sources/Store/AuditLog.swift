import CertGateCore
public import Foundation

/// Appends events to the audit chain: each event's hash covers its fields and the previous
/// event's hash, so altering or removing an event breaks every hash after it.
public enum AuditLog {
    /// The hash before the first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// One event to append.
    public struct Event: Sendable {
        public var actor: String
        public var action: String
        public var subjectType: String
        public var subjectID: String
        /// JSON of the subject's state; never names or dates of birth beyond what the record itself holds.
        public var before: String?
        public var after: String?
        public var at: Date

        public init(
            actor: String, action: String, subjectType: String, subjectID: String, before: String? = nil, after: String? = nil,
            at: Date = Date()
        ) {
            (self.actor, self.action, self.subjectType, self.subjectID) = (actor, action, subjectType, subjectID)
            (self.before, self.after, self.at) = (before, after, at)
        }
    }

    /// Appends one event inside the caller's transaction.
    /// - Parameters:
    ///   - before, after: JSON of the subject's state; never names or dates of birth beyond what
    ///     the record itself holds.
    public static func append(
        _ transaction: Transaction, actor: String, action: String, subjectType: String, subjectID: String,
        before: String? = nil, after: String? = nil, at date: Date = Date()
    ) throws {
        try append(
            transaction,
            [Event(actor: actor, action: action, subjectType: subjectType, subjectID: subjectID, before: before, after: after, at: date)])
    }

    /// Appends events in order inside the caller's transaction, many to a statement.
    public static func append(_ transaction: Transaction, _ events: [Event]) throws {
        guard !events.isEmpty else { return }
        // The head is read once per transaction, as the chain's only writer until it ends; each
        // event takes the next number itself, so the chain has no gaps on either engine (a
        // PostgreSQL sequence would skip the numbers of rolled-back transactions).
        var head: AuditHead
        if let known = transaction.auditHead {
            head = known
        } else {
            try transaction.lockAuditChain()
            let row = try transaction.query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").first
            head = AuditHead(seq: row?["seq"].int ?? 0, hash: row?["hash"].string ?? genesis)
        }
        var rows: [[any SQLBindable]] = []
        rows.reserveCapacity(events.count)
        for event in events {
            let at = Timestamp.string(event.at)
            let hash = eventHash(
                previous: head.hash, at: at, actor: event.actor, action: event.action, subjectType: event.subjectType,
                subjectID: event.subjectID, before: event.before, after: event.after)
            rows.append([head.seq + 1, at, event.actor, event.action, event.subjectType, event.subjectID, event.before, event.after, head.hash, hash])
            head = AuditHead(seq: head.seq + 1, hash: hash)
        }
        // Nothing waits on the insert: pipelined on PostgreSQL, and a failure still fails the transaction.
        try transaction.insertRows(
            into: "audit_events", columns: ["seq", "at", "actor", "action", "subject_type", "subject_id", "before_json", "after_json", "prev_hash", "hash"],
            rows)
        transaction.auditHead = head
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

