import CertGateCore
import Foundation
import Gateway
import Store

/// `certgate attainments [--student ID] [--status S]`
enum AttainmentsCommand {
    static let spec = CommandSpec(
        path: ["attainments"],
        summary: "list credentials students earned, with review status and evidence",
        options: [
            OptionSpec(name: "--student", valueName: "ID", help: "only this student's"),
            OptionSpec(name: "--status", valueName: "pending|approved|rejected|follow_up", help: "only this review status"),
        ],
        run: { invocation in
            if let status = invocation.option("--status"), ReviewStatus(rawValue: status) == nil {
                throw UsageError("unknown --status \(status); statuses: \(ReviewStatus.list)")
            }
            let attainments = try invocation.openGateway().attainments(
                student: invocation.option("--student"), status: invocation.option("--status").flatMap(ReviewStatus.init))
            let columns = ["id", "student_id", "credential_code", "earned_on", "source", "review_status", "verification_method", "reportable", "pdfs"]
            let table = attainments.map { attainment in
                [
                    "\(attainment.id)", attainment.studentID, attainment.credentialCode, attainment.earnedOn, attainment.source,
                    attainment.reviewStatus.rawValue, attainment.verificationMethod ?? "", attainment.reportable.map { $0 ? "1" : "0" } ?? "",
                    "\(attainment.pdfs)",
                ]
            }
            invocation.print(Output(columns: columns, rows: table).render(invocation.globals.format, json: ["attainments": attainments]))
            return 0
        })
}

/// `certgate attainments reportable ID yes|no|auto --note TEXT`
enum ReportableCommand {
    static let spec = CommandSpec(
        path: ["attainments", "reportable"],
        summary: "override whether an attainment is reported for Perkins (auto restores the computed value)",
        positionals: ["ATTAINMENT_ID", "yes|no|auto"],
        options: [OptionSpec(name: "--note", valueName: "TEXT", help: "why (required)")],
        run: { invocation in
            guard let id = Int(invocation.positionals[0]) else { throw UsageError("ATTAINMENT_ID must be a number") }
            let value: Bool?
            switch invocation.positionals[1] {
            case "yes": value = true
            case "no": value = false
            case "auto": value = nil
            default: throw UsageError("say yes, no or auto")
            }
            guard let note = invocation.option("--note"), !note.isEmpty else { throw UsageError("--note TEXT is required") }
            try invocation.openGateway().overrideReportable(attainment: id, reportable: value, note: note)
            invocation.print("attainment \(id): reportable \(invocation.positionals[1])")
            return 0
        })
}

/// `certgate review approve|reject|follow-up ATTAINMENT_ID --method METHOD [--comment TEXT]`
enum ReviewCommand {
    static func spec(_ decision: ReviewDecision) -> CommandSpec {
        CommandSpec(
            path: ["review", decision.rawValue],
            summary: "\(decision == .followUp ? "mark an attainment as needing follow-up" : "\(decision.rawValue) an attainment") (seed 003 review)",
            positionals: ["ATTAINMENT_ID"],
            options: [
                OptionSpec(
                    name: "--method", valueName: VerificationMethod.allCases.map(\.rawValue).joined(separator: "|"),
                    help: "how it was verified (required)"),
                OptionSpec(name: "--comment", valueName: "TEXT", help: "review comment (kept)"),
            ],
            run: { invocation in
                guard let id = Int(invocation.positionals[0]) else { throw UsageError("ATTAINMENT_ID must be a number") }
                guard let text = invocation.option("--method") else {
                    throw UsageError("--method is required: a verification method must be recorded before a review leaves pending")
                }
                guard let method = VerificationMethod(rawValue: text) else {
                    throw UsageError("--method must be one of \(VerificationMethod.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                _ = try invocation.openGateway().review(attainment: id, decision: decision, method: method, comment: invocation.option("--comment"))
                invocation.print("attainment \(id): \(decision.rawValue) (\(method.rawValue))")
                return 0
            })
    }
}

/// `certgate export perkins|sis-csv|florida-survey5 --year 2025-26 [--out FILE]`
enum ExportCommand {
    static let spec = CommandSpec(
        path: ["export"],
        summary: "write a Perkins, SIS or Florida Survey 5 file for a school year",
        positionals: ["perkins|sis-csv|florida-survey5"],
        options: [
            OptionSpec(name: "--year", valueName: "YYYY-YY", help: "the school year (required)"),
            OptionSpec(name: "--out", valueName: "FILE", help: "write here (owner-only permissions) instead of stdout"),
        ],
        details: """
            perkins: approved, reportable attainments of CTE concentrators (CSV). sis-csv: one row per
            attainment not rejected (CSV). florida-survey5: approved attainments as fixed-width
            records (layout in README). A record that cannot be written correctly is listed on
            stderr with its reason and left out.
            """,
        run: { invocation in
            guard let format = ExportFormat(rawValue: invocation.positionals[0]) else {
                throw UsageError("export perkins, sis-csv or florida-survey5")
            }
            guard let text = invocation.option("--year") else { throw UsageError("--year YYYY-YY is required") }
            guard let year = SchoolYear(parsing: text) else { throw UsageError("--year must be a school year like 2025-26") }
            let result = try invocation.openGateway().export(format, year: year)
            if let path = invocation.option("--out") {
                try OwnerOnlyFile.write(result.text.utf8, to: path)
                invocation.printError("certgate: wrote \(result.records) record(s) to \(path)")
            } else {
                FileHandle.standardOutput.write(Data(result.text.utf8))
            }
            for refusal in result.refused {
                invocation.printError("certgate: attainment \(refusal.attainment) not exported: \(refusal.reason)")
            }
            return 0
        })
}

/// `certgate audit verify` and `certgate audit --subject ID`
enum AuditCommands {
    static let verify = CommandSpec(
        path: ["audit", "verify"],
        summary: "check the audit trail's hash chain; names the first event altered or removed",
        options: [
            OptionSpec(
                name: "--head", valueName: "SEQ:HASH",
                help: "a head printed earlier by certgate audit head: the chain must still pass through it")
        ],
        details: """
            Without --head this proves no event was edited or removed since its hash was written. Someone
            who can write the database file could still rewrite the whole chain; keep the head that
            certgate audit head (and every pull) prints somewhere else, and give it here to prove the
            chain still extends it.
            """,
        run: { invocation in
            var head: AuditHead?
            if let text = invocation.option("--head") {
                guard let parsed = AuditHead(parsing: text) else { throw UsageError("--head must be SEQ:HASH as certgate audit head prints it") }
                head = parsed
            }
            let result = try invocation.openGateway().verifyAudit(head: head)
            if invocation.globals.format == .json {
                invocation.print(Output.json(result))
            } else if result.intact {
                invocation.print("audit trail intact: \(result.events) events" + (head.map { ", passing through the recorded head \($0)" } ?? ""))
            }
            guard result.intact else {
                invocation.printError("certgate: audit trail broken: \(result.problem ?? "")")
                return 1
            }
            return 0
        })

    static let head = CommandSpec(
        path: ["audit", "head"],
        summary: "print the audit chain's newest event as SEQ:HASH, to keep outside the database",
        details: "Keep it somewhere the database's users cannot write; certgate audit verify --head SEQ:HASH proves the chain still extends it.",
        run: { invocation in
            let head = try invocation.openGateway().auditHead()
            invocation.print(invocation.globals.format == .json ? Output.json(head) : head.description)
            return 0
        })

    static let history = CommandSpec(
        path: ["audit"],
        summary: "show the history of one record (a result, attainment, task or student ID)",
        options: [
            OptionSpec(name: "--subject", valueName: "[TYPE:]ID", help: "e.g. attainment:12, exam_result:40, or 12 (required)")
        ],
        run: { invocation in
            guard let subject = invocation.option("--subject") else { throw UsageError("--subject [TYPE:]ID is required") }
            let parts = subject.split(separator: ":", maxSplits: 1).map(String.init)
            let rows = try invocation.openGateway().auditHistory(
                subjectType: parts.count == 2 ? parts[0] : nil, subjectID: parts.last ?? subject)
            let columns = ["seq", "at", "actor", "action", "subject_type", "subject_id", "before_json", "after_json"]
            let table = rows.map { [
                "\($0.seq)", $0.at, $0.actor, $0.action, $0.subjectType, $0.subjectID, $0.before ?? "", $0.after ?? "",
            ] }
            invocation.print(Output(columns: columns, rows: table).render(invocation.globals.format, json: ["events": rows]))
            return 0
        })
}
