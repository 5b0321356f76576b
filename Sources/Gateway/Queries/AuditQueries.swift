import Foundation
import Store

/// One audit event as the command line and the console show it.
public struct AuditEventListing: Sendable, Encodable {
    public var seq: Int
    public var at: String
    public var actor: String
    public var action: String
    public var subjectType: String
    public var subjectID: String
    public var before: String?
    public var after: String?

    enum CodingKeys: String, CodingKey {
        case seq, at, actor, action
        case subjectType = "subject_type", subjectID = "subject_id", before = "before_json", after = "after_json"
    }
}

extension Gateway {
    /// The history of one record (a result, attainment, task or student ID), oldest first.
    public func auditHistory(subjectType: String?, subjectID: String) throws -> [AuditEventListing] {
        try AuditLog.history(database, subjectType: subjectType, subjectID: subjectID).map { row in
            AuditEventListing(
                seq: row["seq"].int ?? 0, at: row["at"].string ?? "", actor: row["actor"].string ?? "", action: row["action"].string ?? "",
                subjectType: row["subject_type"].string ?? "", subjectID: row["subject_id"].string ?? "", before: row["before_json"].string,
                after: row["after_json"].string)
        }
    }
}
