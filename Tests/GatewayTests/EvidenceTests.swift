import CertGateCore
import Foundation
import Gateway
import Store
import TestSupport
import Testing

/// The manual-PDF path: uploads, rejections, duplicates, reading certificates, batch intake.
@Suite struct EvidenceTests {
    struct Setup {
        let directory: TemporaryDirectory
        let gateway: Gateway
        var evidenceFolder: String { directory.file("evidence") }

        init(_ change: (inout [String: Any]) -> Void = { _ in }) throws {
            directory = try TemporaryDirectory()
            let config = try TestConfig.make(in: directory, change)
            gateway = try Gateway(databaseLocation: try TestDatabase.location(in: directory), configDirectory: config, actor: "teacher")
            _ = try gateway.importRoster(
                rosterPath: Fixtures.path("mocks/roster/roster.csv"), enrollmentsPath: Fixtures.path("mocks/roster/enrollments.csv"))
        }

        func certificate(_ name: String) -> String { Fixtures.path("mocks/certificates/\(name)") }

        func add(_ student: String, _ credential: String, _ file: String, earned: String? = "2026-01-27", code: String? = nil) throws
            -> EvidenceOutcome
        {
            try gateway.addEvidence(
                EvidenceUpload(
                    studentID: student, credentialCode: credential, path: file, earned: earned.flatMap { CalendarDate(parsing: $0) },
                    verificationCode: code))
        }

        func openTasks(_ kind: String) throws -> [String] {
            try gateway.database.read {
                try $0.query("SELECT subject_id FROM tasks WHERE kind = ? AND status = 'open' ORDER BY id", [kind])
            }.compactMap { $0["subject_id"].string }
        }

        /// Every file under the evidence folder.
        func storedFiles() -> [String] {
            (FileManager.default.enumerator(atPath: evidenceFolder)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".pdf") }
        }
    }

    @Test func uploadForAReportlessProviderRecordsTheAttainmentOwnerOnly() throws {
        let setup = try Setup()
        let outcome = try setup.add("S100132", "COMPTIA-ITF", setup.certificate("jean-luc-allen-comptia-itf.pdf"), code: "COMP001022938")
        #expect(outcome.status == .stored)
        #expect(outcome.createdAttainment)
        #expect(outcome.text == "agrees")
        let path = setup.evidenceFolder + "/\(outcome.sha256.prefix(2))/\(outcome.sha256.dropFirst(2).prefix(2))/\(outcome.sha256).pdf"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: setup.evidenceFolder)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        let row = try #require(try setup.gateway.database.read { try $0.query("SELECT * FROM attainments").first })
        #expect(row["source"].string == "manual")
        #expect(row["earned_on"].string == "2026-01-27")
        #expect(try setup.openTasks("evidence_missing").isEmpty)
        let audit = try setup.gateway.database.read { try $0.scalar("SELECT actor FROM audit_events WHERE action = 'evidence.add'").string }
        #expect(audit == "teacher")
    }

    @Test func validUploadResolvesTheEvidenceMissingTask() throws {
        // A district that keeps a PDF of every certificate: a pulled result alone leaves a task.
        let setup = try Setup { config in
            _ = config  // rules.json is changed below
        }
        let rulesPath = setup.directory.file("config/rules.json")
        var rules = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: rulesPath))) as! [String: Any]
        var evidence = rules["evidence"] as! [String: Any]
        evidence["district_always_pdf"] = true
        rules["evidence"] = evidence
        try JSONSerialization.data(withJSONObject: rules).write(to: URL(fileURLWithPath: rulesPath))
        let report = try setup.directory.write(
            "report.csv",
            "Candidate ID,Student ID,First Name,Last Name,Exam Code,Exam Date,Score,Passing Score,Result\n"
                + "aobrien08,S100100,Ava,O'Brien,MO-200,01/06/2026 09:15 AM,812,700,Pass\n")
        _ = try setup.gateway.importFile(provider: "certiport", path: report)
        let attainment = try #require(try setup.gateway.database.read { try $0.scalar("SELECT id FROM attainments").int })
        #expect(try setup.openTasks("evidence_missing") == ["\(attainment)"])
        let outcome = try setup.add("S100100", "MOS-EXCEL", setup.certificate("ava-obrien-mos-excel.pdf"), earned: nil, code: "wNMEx-2FNW")
        #expect(outcome.attainmentID == attainment)
        #expect(!outcome.createdAttainment)
        #expect(try setup.openTasks("evidence_missing").isEmpty)
        let note = try setup.gateway.database.read {
            try $0.scalar("SELECT resolution_note FROM tasks WHERE kind = 'evidence_missing'").string
        }
        #expect(note == "the condition cleared when the checks ran again")
    }

    @Test(arguments: [
        ("truncated-certificate.pdf", "truncated"), ("javascript-certificate.pdf", "JavaScript"), ("manifest.csv", "not a PDF"),
    ])
    func rejectedFilesLeaveNothingBehind(file: String, reason: String) throws {
        let setup = try Setup()
        #expect { try setup.add("S100132", "COMPTIA-ITF", setup.certificate(file)) } throws: {
            "\($0)".contains("\(file): rejected: ") && "\($0)".contains(reason)
        }
        #expect(setup.storedFiles().isEmpty)
        #expect(try setup.gateway.database.read { try $0.scalar("SELECT COUNT(*) FROM evidence").int } == 0)
        #expect(try setup.gateway.database.read { try $0.scalar("SELECT COUNT(*) FROM attainments").int } == 0)
    }

    @Test func oversizedFileIsRefusedBeforeItIsRead() throws {
        let setup = try Setup { config in
            config["evidence"] = ["max_pdf_bytes": 500]
        }
        #expect { try setup.add("S100132", "COMPTIA-ITF", setup.certificate("jean-luc-allen-comptia-itf.pdf")) } throws: {
            "\($0)".contains("over the 500-byte limit")
        }
        #expect(setup.storedFiles().isEmpty)
    }

    @Test func riskyPDFCanBeQuarantinedWithATask() throws {
        let setup = try Setup { config in
            config["evidence"] = ["risky_pdf": "quarantine"]
        }
        #expect { try setup.add("S100132", "COMPTIA-ITF", setup.certificate("javascript-certificate.pdf")) } throws: {
            "\($0)".contains("quarantined")
        }
        #expect(try setup.gateway.database.read { try $0.scalar("SELECT COUNT(*) FROM evidence").int } == 0)
        #expect(setup.storedFiles().allSatisfy { $0.hasPrefix("quarantine/") } && setup.storedFiles().count == 1)
        #expect(try setup.openTasks("evidence_quarantined").count == 1)
    }

    @Test func sameFileTwiceIsOneEvidenceAndForAnotherStudentItIsFlagged() throws {
        let setup = try Setup()
        let file = setup.certificate("jean-luc-allen-comptia-itf.pdf")
        let first = try setup.add("S100132", "COMPTIA-ITF", file)
        let again = try setup.add("S100132", "COMPTIA-ITF", file)
        #expect(again.status == .duplicate)
        #expect(again.evidenceID == first.evidenceID)
        #expect(setup.storedFiles().count == 1)
        let reused = try setup.add("S100135", "COMPTIA-ITF", file)
        #expect(reused.status == .stored)
        #expect(try setup.openTasks("evidence_reused") == ["\(reused.evidenceID)"])
        #expect(setup.storedFiles().count == 1)  // content-addressed: one file on disk
        // Ximena's upload also names someone else: the certificate does not agree with her record.
        #expect(try setup.openTasks("certificate_mismatch") == ["\(reused.evidenceID)"])
    }

    @Test func nameMismatchAndScansRaiseTasks() throws {
        let setup = try Setup()
        let wrong = try setup.add("S100132", "COMPTIA-ITF", setup.certificate("wrong-name-comptia-itf.pdf"), code: "COMP001022938")
        #expect(wrong.text == "differs")
        let explanation = try setup.gateway.database.read {
            try $0.scalar("SELECT explanation FROM tasks WHERE kind = 'certificate_mismatch'").string
        } ?? ""
        #expect(explanation.contains("the student's name does not appear"))
        #expect(explanation.contains("verification code given does not appear"))
        #expect(!explanation.contains("Ashford"))
        let scan = try setup.add("S100134", "COMPTIA-ITF", setup.certificate("scanned-certificate.pdf"))
        #expect(scan.text == "no_text")
        #expect(try setup.openTasks("evidence_unreadable") == ["\(scan.evidenceID)"])
    }

    @Test func creatingAnAttainmentNeedsTheDateEarned() throws {
        let setup = try Setup()
        #expect { try setup.add("S100132", "COMPTIA-ITF", setup.certificate("jean-luc-allen-comptia-itf.pdf"), earned: nil) } throws: {
            "\($0)".contains("give --earned")
        }
        #expect(setup.storedFiles().isEmpty)  // the file written for it was taken back
    }

    @Test func bundleFromTwoUploads() throws {
        let setup = try Setup()
        _ = try setup.add("S100133", "COMPTIA-APLUS-CORE1", setup.certificate("mary-kate-king-aplus-core1.pdf"), earned: "2025-11-18")
        #expect(try setup.gateway.database.read { try $0.scalar("SELECT COUNT(*) FROM attainments WHERE credential_code = 'COMPTIA-APLUS'").int } == 0)
        _ = try setup.add("S100133", "COMPTIA-APLUS-CORE2", setup.certificate("mary-kate-king-aplus-core2.pdf"), earned: "2026-01-22")
        let bundle = try setup.gateway.database.read {
            try $0.scalar("SELECT earned_on FROM attainments WHERE credential_code = 'COMPTIA-APLUS'").string
        }
        #expect(bundle == "2026-01-22")
    }

    @Test func batchIntakeImportsGoodRowsAndReportsBadOnesByLine() throws {
        let setup = try Setup()
        var lines: [String] = []
        let summary = try setup.gateway.importEvidence(
            directory: Fixtures.path("mocks/certificates"), manifest: Fixtures.path("mocks/certificates/manifest.csv")
        ) { done, total, message in lines.append("[\(done)/\(total)] \(message)") }
        #expect(summary.rows == 11)
        #expect(summary.stored == 5)
        #expect(summary.failed.map(\.line) == [7, 8, 9, 10, 11, 12])
        #expect(summary.failed[4].reason.contains("outside the folder"))
        #expect(lines.count == 11)
        // Path traversal was harmless: nothing outside the evidence folder, and the config is untouched.
        #expect(setup.storedFiles().count == 5)
        let again = try setup.gateway.importEvidence(
            directory: Fixtures.path("mocks/certificates"), manifest: Fixtures.path("mocks/certificates/manifest.csv"))
        #expect(again.stored == 0 && again.duplicates == 5)
    }

    @Test func evidenceExportUsesReadableNamesAndAnIndex() throws {
        let setup = try Setup()
        _ = try setup.add("S100133", "COMPTIA-APLUS-CORE1", setup.certificate("mary-kate-king-aplus-core1.pdf"), earned: "2025-11-18")
        // A hostile upload name is only metadata.
        let hostile = setup.directory.file("..%2F..%2Fetc%2Fpasswd.pdf")
        try FileManager.default.copyItem(atPath: setup.certificate("mary-kate-king-aplus-core2.pdf"), toPath: hostile)
        _ = try setup.add("S100133", "COMPTIA-APLUS-CORE2", hostile, earned: "2026-01-22")
        let out = setup.directory.file("for-auditor")
        #expect(try setup.gateway.exportEvidence(studentID: "S100133", credential: nil, to: out) == 2)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == [
            "S100133_COMPTIA-APLUS-CORE1_2025-11-18_f150086d.pdf", "S100133_COMPTIA-APLUS-CORE2_2026-01-22_bed68de0.pdf", "index.csv",
        ])
        let index = try String(contentsOfFile: out + "/index.csv", encoding: .utf8)
        #expect(index.contains("..%2F..%2Fetc%2Fpasswd.pdf"))  // kept as the original name, nothing more
    }
}
