public import CertGateCore
import Foundation
import ManualPDF
import Store

/// What happened to one uploaded certificate.
public struct EvidenceOutcome: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Stored as new evidence.
        case stored
        /// The same file was already evidence for this student and credential: nothing changed.
        case duplicate
    }

    public var status: Status
    public var evidenceID: Int
    public var attainmentID: Int
    /// Whether the upload created the attainment (a provider that sends no reports).
    public var createdAttainment: Bool
    /// `agrees`, `differs` or `no_text`: what the certificate's text said about the record.
    public var text: String
    public var sha256: String

    enum CodingKeys: String, CodingKey {
        case status, text, sha256
        case evidenceID = "evidence_id", attainmentID = "attainment_id", createdAttainment = "created_attainment"
    }
}

/// One certificate to attach.
public struct EvidenceUpload: Sendable {
    public var studentID: String
    public var credentialCode: String
    public var path: String
    public var earned: CalendarDate?
    public var verificationCode: String?
    /// The name the file was uploaded with (the console spools it under another); default: the path's.
    public var originalName: String?

    public init(
        studentID: String, credentialCode: String, path: String, earned: CalendarDate?, verificationCode: String?, originalName: String? = nil
    ) {
        self.studentID = studentID
        self.credentialCode = credentialCode
        self.path = path
        self.originalName = originalName
        self.earned = earned
        self.verificationCode = verificationCode
    }
}

extension Gateway {
    /// Attaches a certificate PDF to a student's attainment (`certgate evidence add`): validates
    /// it, stores it by content, links it (creating the attainment where the upload is the result),
    /// reads its text against the record, audits the upload and runs the checks. A rejected file
    /// leaves nothing behind.
    public func addEvidence(_ upload: EvidenceUpload) throws -> EvidenceOutcome {
        let outcome = try storeEvidence(upload)
        _ = try runChecks(students: [upload.studentID])
        return outcome
    }

    func storeEvidence(_ upload: EvidenceUpload) throws -> EvidenceOutcome {
        let catalog = try CredentialCatalog.load(directory: configDirectory)
        guard let credential = catalog.credential(upload.credentialCode) else {
            throw CertGateError(.input, "no credential '\(upload.credentialCode)' in the catalog (config/credentials.json)")
        }
        let name = upload.originalName.flatMap { $0.isEmpty ? nil : $0 } ?? (upload.path as NSString).lastPathComponent
        let student = try database.read {
            try $0.query("SELECT first_name, last_name FROM students WHERE student_id = ?", [upload.studentID]).first
        }
        guard let student else { throw CertGateError(.input, "no student \(upload.studentID) in the roster") }

        let limit = config.evidence.maxPDFBytes
        let attributes = try? FileManager.default.attributesOfItem(atPath: upload.path)
        guard let size = attributes?[.size] as? Int, attributes?[.type] as? FileAttributeType == .typeRegular else {
            throw CertGateError(.io, "\(name): cannot read the file")
        }
        guard size <= limit else {
            throw CertGateError(.input, "\(name): rejected: the file is \(size) bytes, over the \(limit)-byte limit")
        }
        guard let data = FileManager.default.contents(atPath: upload.path) else { throw CertGateError(.io, "\(name): cannot read the file") }
        let bytes = [UInt8](data)
        let sha256 = SHA256.hex(bytes)
        let files = EvidenceFiles(config: config.evidence, database: database, configDirectory: configDirectory)
        let pdf: CertificatePDF
        do {
            pdf = try CertificatePDF(bytes: bytes, maximumSize: limit)
        } catch {
            if error.isActiveContent && config.evidence.riskyPDF == .quarantine {
                try quarantine(bytes, sha256: sha256, name: name, upload: upload, reason: error.description, files: files)
                throw CertGateError(.input, "\(name): quarantined for a person to look at: \(error.description)")
            }
            throw CertGateError(.input, "\(name): rejected: \(error.description)")
        }
        let reading = pdf.read(
            firstName: student["first_name"].string ?? "", lastName: student["last_name"].string ?? "",
            credentialName: credential.name, examCodes: credential.examCodes, verificationCode: upload.verificationCode)
        let (textStatus, textDetail): (String, String?) = {
            switch reading {
            case .agrees: return ("agrees", nil)
            case .differs(let what): return ("differs", what.joined(separator: "; "))
            case .noText: return ("no_text", nil)
            }
        }()

        let wroteFile = try files.store(bytes, sha256: sha256)
        let now = Date()
        do {
            return try database.write { transaction -> EvidenceOutcome in
                // Two uploads for one student (PostgreSQL: two console threads, two hosts) take
                // turns, so the second finds the first's file and attainment rather than adding
                // them again.
                try transaction.serialize("certgate evidence \(upload.studentID)")
                let (attainmentID, created) = try attainment(for: upload, transaction, now: now)
                if let existing = try transaction.scalar(
                    "SELECT id FROM evidence WHERE sha256 = ? AND student_id = ? AND credential_code = ?",
                    [sha256, upload.studentID, credential.code]
                ).int {
                    try transaction.execute(
                        "INSERT INTO attainment_evidence (attainment_id, evidence_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        [attainmentID, existing])
                    return EvidenceOutcome(
                        status: .duplicate, evidenceID: existing, attainmentID: attainmentID, createdAttainment: created,
                        text: textStatus, sha256: sha256)
                }
                let evidenceID = try transaction.insertReturningID(
                    """
                    INSERT INTO evidence (sha256, student_id, credential_code, original_name, size_bytes, media_type,
                                          verification_code, text_status, text_detail, added_by, added_at)
                    VALUES (?, ?, ?, ?, ?, 'application/pdf', ?, ?, ?, ?, ?)
                    """,
                    [sha256, upload.studentID, credential.code, name, bytes.count, upload.verificationCode, textStatus, textDetail, actor,
                     Timestamp.string(now)])
                try transaction.execute(
                    "INSERT INTO attainment_evidence (attainment_id, evidence_id) VALUES (?, ?)", [attainmentID, evidenceID])
                try AuditLog.append(
                    transaction, actor: actor, action: "evidence.add", subjectType: "evidence", subjectID: "\(evidenceID)",
                    after: ResultRecords.json([
                        ("sha256", .text(sha256)), ("student_id", .text(upload.studentID)), ("credential", .text(credential.code)),
                        ("attainment_id", .integer(Int64(attainmentID))), ("size_bytes", .integer(Int64(bytes.count))),
                        ("text", .text(textStatus)),
                    ]), at: now)
                return EvidenceOutcome(
                    status: .stored, evidenceID: evidenceID, attainmentID: attainmentID, createdAttainment: created, text: textStatus,
                    sha256: sha256)
            }
        } catch {
            // Nothing of a failed upload stays behind: a file this upload wrote goes again.
            if wroteFile { files.remove(sha256: sha256) }
            throw error
        }
    }

    /// The attainment a certificate supports: the one earned that day, or the latest one; else a
    /// new manual attainment (the upload is the result), which needs the date earned.
    private func attainment(for upload: EvidenceUpload, _ transaction: Transaction, now: Date) throws -> (Int, Bool) {
        let existing = try transaction.query(
            """
            SELECT id FROM attainments WHERE student_id = ? AND credential_code = ? AND (? IS NULL OR earned_on = ?)
            ORDER BY earned_on DESC LIMIT 1
            """, [upload.studentID, upload.credentialCode, upload.earned?.description, upload.earned?.description]
        ).first?["id"].int
        if let existing { return (existing, false) }
        guard let earned = upload.earned else {
            throw CertGateError(
                .input, "student \(upload.studentID) has no \(upload.credentialCode) attainment yet; give --earned YYYY-MM-DD to record it")
        }
        let id = try transaction.insertReturningID(
            "INSERT INTO attainments (student_id, credential_code, earned_on, source, created_at) VALUES (?, ?, ?, 'manual', ?)",
            [upload.studentID, upload.credentialCode, earned.description, Timestamp.string(now)])
        try AuditLog.append(
            transaction, actor: actor, action: "attainment.create", subjectType: "attainment", subjectID: "\(id)",
            after: ResultRecords.json([
                ("student_id", .text(upload.studentID)), ("credential", .text(upload.credentialCode)),
                ("earned_on", .text(earned.description)), ("source", .text("manual")),
            ]), at: now)
        return (id, true)
    }

    /// Keeps a dangerous PDF apart from the evidence, with a task for a person.
    private func quarantine(
        _ bytes: [UInt8], sha256: String, name: String, upload: EvidenceUpload, reason: String, files: EvidenceFiles
    ) throws {
        _ = try files.store(bytes, sha256: sha256, folder: "quarantine")
        let now = Date()
        try database.write { transaction in
            try TaskRecords.open(
                .evidenceQuarantined, subjectType: "file", subjectID: sha256,
                explanation: "A certificate uploaded for student \(upload.studentID) (\(upload.credentialCode)) was quarantined: "
                    + "\(reason). It is kept apart at \(files.path(for: sha256, folder: "quarantine")) and is not evidence; "
                    + "ask for a clean copy.",
                assigneeRole: .cteCoordinator, school: nil, due: TaskRecords.day(now, plus: 7), transaction, actor: actor, now: now)
            try AuditLog.append(
                transaction, actor: actor, action: "evidence.quarantine", subjectType: "file", subjectID: sha256,
                after: ResultRecords.json([("student_id", .text(upload.studentID)), ("reason", .text(reason))]), at: now)
        }
    }
}
