import CertGateCore
import Foundation
import Store

/// One stored certificate as the console and the command line list it.
public struct EvidenceListing: Sendable {
    public var id: Int
    public var sha256: String
    public var studentID: String
    public var credentialCode: String
    public var originalName: String
    public var sizeBytes: Int
    /// `agrees`, `differs` or `no_text`: what the certificate's text said about the record.
    public var textStatus: String?
    public var addedBy: String
    public var addedAt: String
}

extension Gateway {
    /// A student's certificates, newest first.
    public func evidence(student: String) throws -> [EvidenceListing] {
        try evidence(where: "student_id = ?", [student])
    }

    /// One certificate.
    public func evidence(id: Int) throws -> EvidenceListing? {
        try evidence(where: "id = ?", [id]).first
    }

    /// The bytes of a stored certificate for a person to download, checked against its hash; who
    /// downloaded which certificate goes into the audit trail (student data leaving the system).
    public func downloadEvidence(_ listing: EvidenceListing) throws -> [UInt8] {
        let files = EvidenceFiles(config: config.evidence, database: database, configDirectory: configDirectory)
        guard let data = FileManager.default.contents(atPath: files.path(for: listing.sha256)) else {
            throw CertGateError(.io, "the file of evidence \(listing.id) is missing from the evidence folder")
        }
        let bytes = [UInt8](data)
        guard SHA256.hex(bytes) == listing.sha256 else {
            throw CertGateError(.io, "the file of evidence \(listing.id) does not match its SHA-256: it was changed on disk")
        }
        let now = Date()
        try database.write { transaction in
            try AuditLog.append(
                transaction, actor: actor, action: "evidence.download", subjectType: "evidence", subjectID: "\(listing.id)",
                after: ResultRecords.json([("sha256", .text(listing.sha256))]), at: now)
        }
        return bytes
    }

    private func evidence(where condition: String, _ arguments: [any SQLBindable]) throws -> [EvidenceListing] {
        try database.read { transaction in
            try transaction.query(
                """
                SELECT id, sha256, student_id, credential_code, original_name, size_bytes, text_status, added_by, added_at
                FROM evidence WHERE \(condition) ORDER BY added_at DESC, id DESC
                """, arguments
            ).map { row in
                EvidenceListing(
                    id: row[0].int ?? 0, sha256: row[1].string ?? "", studentID: row[2].string ?? "", credentialCode: row[3].string ?? "",
                    originalName: row[4].string ?? "", sizeBytes: row[5].int ?? 0, textStatus: row[6].string, addedBy: row[7].string ?? "",
                    addedAt: row[8].string ?? "")
            }
        }
    }
}
