import CertGateCore
import Foundation
import Gateway

/// `certgate reconcile`: teachers' claims against provider results, attainments and evidence.
enum ReconcileCommand {
    static let spec = CommandSpec(
        path: ["reconcile"],
        summary: "compare teachers' claims with provider results and certificates; report per school and teacher",
        options: [
            OptionSpec(name: "--school-year", valueName: "2025-26", help: "the school year (default: this one)"),
            OptionSpec(name: "--school", valueName: "NAME", help: "one school only"),
            OptionSpec(name: "--out", valueName: "DIR", help: "also write a CSV report per school there"),
        ],
        details: """
            Runs every check, which compares each claim (certgate logs import, the console's "Log a
            certificate") with what providers and certificate PDFs say: a claim that agrees is
            marked verified with what verified it; a passing claim with no provider result and no
            PDF raises evidence_missing for the teacher; a claim the provider contradicts (passed
            against a failed attempt, or a date more than rules.json reconcile.date_tolerance_days
            away) raises claim_conflict for the school lead with both values; an attainment no
            teacher logged, in a school whose teachers log, raises unlogged_attainment (information;
            reconcile.unlogged_attainments turns it off). Prints the counts per school and teacher;
            --out writes reconciliation-YEAR-SCHOOL.csv per school (owner-only files).
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        let year = try invocation.option("--school-year").map { text in
            guard let year = SchoolYear(parsing: text) else { throw UsageError("--school-year takes 2025-26, not '\(text)'") }
            return year
        }
        let report = try invocation.openGateway().reconcile(schoolYear: year, school: invocation.option("--school"))
        if let folder = invocation.option("--out") {
            for (school, rows) in rowsBySchool(report) {
                let name = "reconciliation-\(report.schoolYear)-\(fileName(school)).csv"
                let path = (folder as NSString).appendingPathComponent(name)
                try OwnerOnlyFile.write(Array(rows.map(CSVWriter.line).joined().utf8), to: path)
                invocation.printError("certgate: wrote \(path)")
            }
        }
        if invocation.globals.format == .table {
            invocation.print(
                "reconciliation of \(report.schoolYear): \(report.claims.count) claim(s), \(report.unlogged.count) attainment(s) no teacher logged")
        }
        let rows = report.counts.map {
            [$0.school, $0.teacher ?? "(attainments no teacher logged)", "\($0.claims)", "\($0.verified)", "\($0.conflicts)", "\($0.evidenceMissing)",
             "\($0.unlogged)"]
        }
        invocation.print(
            Output(columns: ["school", "teacher", "claims", "verified", "conflicts", "evidence_missing", "unlogged"], rows: rows)
                .render(invocation.globals.format, json: report))
        return 0
    }

    /// A school's name as part of a file name: letters, digits and dashes only.
    static func fileName(_ school: String) -> String {
        let kept = school.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" }
        let name = String(kept).split(separator: "-").joined(separator: "-")
        return name.isEmpty ? "no-school" : name
    }

    /// Each school's report: its claims with their status, then its attainments no teacher logged.
    static func rowsBySchool(_ report: Reconciliation) -> [(String, [[String]])] {
        let header = ["Kind", "Teacher", "Student ID", "Credential", "Exam date", "Logged result", "Status", "Detail", "Where logged"]
        var schools: [String: [[String]]] = [:]
        for claim in report.claims {
            schools[claim.school, default: [header]].append(
                ["claim", claim.teacher, claim.studentID, claim.credentialCode, claim.examDate, claim.outcome.rawValue,
                 claim.status.rawValue.replacingOccurrences(of: "_", with: " "), claim.detail, claim.origin])
        }
        for attainment in report.unlogged {
            schools[attainment.school ?? "", default: [header]].append(
                ["unlogged attainment", "", attainment.studentID, attainment.credentialCode, attainment.earnedOn, "", "unlogged",
                 "in no teacher's log; backed by \(attainment.source == "report" ? "a provider result" : "\(attainment.pdfs) certificate PDF(s)")",
                 ""])
        }
        return schools.sorted { $0.key < $1.key }
    }
}
