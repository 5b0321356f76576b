import CertGateCore
import Foundation
import Store

/// The fields of a batch-intake manifest.
enum ManifestField: String, CaseIterable, Hashable, Sendable {
    case studentID = "student_id", credential, file, earned, verificationCode = "verification_code"

    static let headers: [ManifestField: [String]] = [
        .studentID: ["Student ID", "StudentID"], .credential: ["Credential Code", "Credential"], .file: ["File", "File Name", "PDF"],
        .earned: ["Date Earned", "Earned", "Earned On"], .verificationCode: ["Verification Code", "Code"],
    ]
}

/// What a batch intake did.
public struct EvidenceBatchSummary: Sendable, Codable {
    public struct Failure: Sendable, Codable {
        public var line: Int
        public var reason: String
    }

    public var rows = 0
    public var stored = 0
    public var duplicates = 0
    public var failed: [Failure] = []
}

extension Gateway {
    /// Imports the stack of PDFs a teacher collected (`certgate evidence import DIR --manifest`):
    /// each row on its own, so good rows are stored and bad ones reported with their line. Files
    /// are looked up inside DIR only; a name that leaves it is refused.
    public func importEvidence(
        directory: String, manifest: String, progress: (Int, Int, String) -> Void = { _, _, _ in }
    ) throws -> EvidenceBatchSummary {
        let name = (manifest as NSString).lastPathComponent
        let table = try CSVTable(
            reader: CSVReader(path: manifest, displayName: name), name: name, aliases: ManifestField.headers,
            required: [.studentID, .credential, .file])
        var rows: [CSVTable<ManifestField>.Row] = []
        var summary = EvidenceBatchSummary()
        while true {
            do {
                guard let row = try table.next() else { break }
                rows.append(row)
            } catch let error as InputError where error.isRecoverable {
                summary.rows += 1
                summary.failed.append(.init(line: error.location.line ?? 0, reason: error.message))
            }
        }
        let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        var students: Set<String> = []  // whose evidence changed, for the checks
        for (index, row) in rows.enumerated() {
            summary.rows += 1
            let file = row[.file] ?? ""
            do {
                let path = try Self.pathInside(root, file)
                var earned: CalendarDate?
                if let text = row[.earned] {
                    guard let date = CalendarDate(parsing: text) else {
                        throw CertGateError(.input, "'\(text)' in Date Earned is not a date (YYYY-MM-DD or MM/DD/YYYY)")
                    }
                    earned = date
                }
                let outcome = try storeEvidence(
                    EvidenceUpload(
                        studentID: row[.studentID] ?? "", credentialCode: row[.credential] ?? "", path: path, earned: earned,
                        verificationCode: row[.verificationCode]))
                if outcome.status == .duplicate { summary.duplicates += 1 } else { summary.stored += 1 }
                students.insert(row[.studentID] ?? "")
                progress(index + 1, rows.count, "\(file): \(outcome.status.rawValue) as evidence \(outcome.evidenceID) (attainment \(outcome.attainmentID), text \(outcome.text))")
            } catch {
                summary.failed.append(.init(line: row.line, reason: "\(error)"))
                progress(index + 1, rows.count, "\(name):\(row.line): \(error)")
            }
        }
        _ = try runChecks(students: students)
        return summary
    }

    /// A manifest's file name as a path inside the folder, or an error: no absolute paths, no
    /// `..`, and no symbolic link that leads out.
    static func pathInside(_ root: String, _ name: String) throws -> String {
        guard !name.isEmpty else { throw CertGateError(.input, "the File column is empty") }
        guard !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else {
            throw CertGateError(.input, "'\(name)' is outside the folder; give file names relative to it")
        }
        let resolved = URL(fileURLWithPath: root).appendingPathComponent(name).resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root + "/") else {
            throw CertGateError(.input, "'\(name)' leads outside the folder")
        }
        guard FileManager.default.fileExists(atPath: resolved) else { throw CertGateError(.io, "'\(name)' is not in the folder") }
        return resolved
    }

    /// Copies evidence files for auditors (`certgate evidence export`) with readable names and an
    /// index; returns how many files were written.
    public func exportEvidence(studentID: String?, credential: String?, to directory: String) throws -> Int {
        guard studentID != nil || credential != nil else { throw CertGateError(.input, "name a --student or a --credential") }
        let rows = try database.read {
            try $0.query(
                """
                SELECT e.id, e.sha256, e.student_id, e.credential_code, e.original_name, e.verification_code, e.text_status,
                       e.added_by, e.added_at, MIN(a.earned_on) AS earned_on
                FROM evidence e LEFT JOIN attainment_evidence ae ON ae.evidence_id = e.id LEFT JOIN attainments a ON a.id = ae.attainment_id
                WHERE (?1 IS NULL OR e.student_id = ?1) AND (?2 IS NULL OR e.credential_code = ?2)
                GROUP BY e.id ORDER BY e.student_id, e.credential_code, e.id
                """, [studentID, credential])
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let files = EvidenceFiles(config: config.evidence, database: database, configDirectory: configDirectory)
        var index = [CSVWriter.line([
            "file", "student_id", "credential_code", "earned_on", "sha256", "original_name", "verification_code", "text", "added_by",
            "added_at",
        ])]
        for row in rows {
            let sha = row["sha256"].string ?? ""
            // Built from IDs and the hash only: never from the uploaded file name.
            let safe = { (text: String) in String(text.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }) }
            let fileName = "\(safe(row["student_id"].string ?? ""))_\(safe(row["credential_code"].string ?? ""))_"
                + "\(row["earned_on"].string ?? "undated")_\(sha.prefix(8)).pdf"
            let target = (directory as NSString).appendingPathComponent(fileName)
            guard let data = FileManager.default.contents(atPath: files.path(for: sha)), SHA256.hex([UInt8](data)) == sha else {
                throw CertGateError(.io, "evidence \(row["id"].int ?? 0) is missing or damaged in the evidence folder (\(files.path(for: sha)))")
            }
            try OwnerOnlyFile.write(data, to: target)
            index.append(CSVWriter.line([
                fileName, row["student_id"].string ?? "", row["credential_code"].string ?? "", row["earned_on"].string ?? "", sha,
                row["original_name"].string ?? "", row["verification_code"].string ?? "", row["text_status"].string ?? "",
                row["added_by"].string ?? "", row["added_at"].string ?? "",
            ]))
        }
        try OwnerOnlyFile.write(index.joined().utf8, to: (directory as NSString).appendingPathComponent("index.csv"))
        try database.write { transaction in
            try AuditLog.append(
                transaction, actor: actor, action: "evidence.export", subjectType: studentID != nil ? "student" : "credential",
                subjectID: studentID ?? credential ?? "", after: ResultRecords.json([("files", .integer(Int64(rows.count)))]))
        }
        return rows.count
    }

}
