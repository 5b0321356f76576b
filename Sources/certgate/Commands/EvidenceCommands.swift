import Foundation
import Gateway

/// `certgate evidence add|import|export`: certificate PDFs.
enum EvidenceCommands {
    static let add = CommandSpec(
        path: ["evidence", "add"],
        summary: "attach a certificate PDF to a student's credential",
        options: [
            OptionSpec(name: "--student", valueName: "ID", help: "the student (required)"),
            OptionSpec(name: "--credential", valueName: "CODE", help: "the credential code from the catalog (required)"),
            OptionSpec(name: "--file", valueName: "CERT.pdf", help: "the certificate (required)"),
            OptionSpec(name: "--earned", valueName: "YYYY-MM-DD", help: "the date earned (required when the upload records the attainment)"),
            OptionSpec(name: "--verification-code", valueName: "CODE", help: "the code printed on the certificate, if any"),
        ],
        details: """
            The PDF must be a real, complete, unencrypted PDF under the size limit, without JavaScript,
            launch actions or embedded files. It is stored by content (SHA-256) in the evidence
            folder, readable by the owner only; the file name is kept as information, never used as
            a path. For a provider that sends no reports (CompTIA) the upload records the
            attainment. Its text is compared with the student's name, the credential and the
            verification code; a mismatch or a scan without text raises a task.
            """,
        run: { invocation in
            guard let student = invocation.option("--student"), let credential = invocation.option("--credential"),
                let file = invocation.option("--file")
            else { throw UsageError("--student, --credential and --file are required") }
            let outcome = try invocation.openGateway().addEvidence(
                EvidenceUpload(
                    studentID: student, credentialCode: credential, path: file, earned: try invocation.date("--earned"),
                    verificationCode: invocation.option("--verification-code")))
            if invocation.globals.format == .json {
                invocation.print(Output.json(outcome))
            } else if outcome.status == .duplicate {
                invocation.print("already stored: this file is evidence \(outcome.evidenceID) for \(student) \(credential); nothing changed")
            } else {
                invocation.print(
                    "stored as evidence \(outcome.evidenceID) for attainment \(outcome.attainmentID)"
                        + (outcome.createdAttainment ? " (recorded by this upload)" : "") + "; certificate text: \(outcome.text)")
            }
            return 0
        })

    static let batch = CommandSpec(
        path: ["evidence", "import"],
        summary: "import a folder of certificate PDFs listed in a manifest",
        positionals: ["DIR"],
        options: [
            OptionSpec(
                name: "--manifest", valueName: "MANIFEST.csv",
                help: "Student ID, Credential Code, File, Date Earned, Verification Code (required)")
        ],
        details: "Each row is imported on its own: good rows are stored, bad rows are reported with their line. Exit status 1 if any row failed.",
        run: { invocation in
            guard let manifest = invocation.option("--manifest") else { throw UsageError("--manifest MANIFEST.csv is required") }
            let summary = try invocation.openGateway().importEvidence(directory: invocation.positionals[0], manifest: manifest) {
                done, total, message in
                invocation.printError("certgate: [\(done)/\(total)] \(message)")
            }
            if invocation.globals.format == .json {
                invocation.print(Output.json(summary))
            } else {
                invocation.print(
                    "\(summary.rows) rows: \(summary.stored) stored, \(summary.duplicates) already stored, \(summary.failed.count) failed")
                for failure in summary.failed { invocation.print("  line \(failure.line): \(failure.reason)") }
            }
            return summary.failed.isEmpty ? 0 : 1
        })

    static let export = CommandSpec(
        path: ["evidence", "export"],
        summary: "copy a student's or a credential's evidence for auditors, with an index",
        options: [
            OptionSpec(name: "--student", valueName: "ID", help: "this student's evidence"),
            OptionSpec(name: "--credential", valueName: "CODE", help: "this credential's evidence"),
            OptionSpec(name: "--out", valueName: "DIR", help: "where to copy the files and index.csv (required)"),
        ],
        run: { invocation in
            guard let out = invocation.option("--out") else { throw UsageError("--out DIR is required") }
            guard invocation.option("--student") != nil || invocation.option("--credential") != nil else {
                throw UsageError("name a --student or a --credential")
            }
            let count = try invocation.openGateway().exportEvidence(
                studentID: invocation.option("--student"), credential: invocation.option("--credential"), to: out)
            invocation.print("copied \(count) file(s) and index.csv to \(out)")
            return 0
        })
}
