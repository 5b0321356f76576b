import CertGateCore
import Foundation
import Gateway
import Spreadsheet

/// `certgate reconcile`: teachers' claims against provider results, attainments and evidence.
enum ReconcileCommand {
    static let spec = CommandSpec(
        path: ["reconcile"],
        summary: "compare teachers' claims with provider results and certificates; report per school and teacher",
        options: [
            OptionSpec(name: "--school-year", valueName: "2025-26", help: "the school year (default: this one)"),
            OptionSpec(name: "--school", valueName: "NAME", help: "one school only"),
            OptionSpec(name: "--out", valueName: "DIR", help: "also write the report there (CSV and .xlsx per school)"),
            OptionSpec(name: "--sis", valueName: "FILE", help: "instead: compare the SIS's certificate report (CSV or .xlsx) with CertGate's attainments"),
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
            --out writes, per school, reconciliation-YEAR-SCHOOL.csv (its claims and their status)
            and reconciliation-YEAR-SCHOOL.xlsx (summary, claims, unlogged attainments) for the
            school lead to open (owner-only files).

            With --sis FILE: District C's end-of-year check. The SIS's certificate report
            (Skyward/Focus style; header names in gateway.json sis_report; credentials by code,
            state code or name) is compared with the school year's attainments: what the SIS has
            that CertGate cannot back (sis_only), what it lacks (certgate_only), and what both
            have on different dates (date_differs). Exit status 1 when they differ.
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        let year = try invocation.option("--school-year").map { text in
            guard let year = SchoolYear(parsing: text) else { throw UsageError("--school-year takes 2025-26, not '\(text)'") }
            return year
        }
        if let sis = invocation.option("--sis") { return try compare(invocation, sis: sis, year: year) }
        let report = try invocation.openGateway().reconcile(schoolYear: year, school: invocation.option("--school"))
        if let folder = invocation.option("--out") {
            // Per school: the claims and unlogged attainments as CSV, and the whole report as a workbook.
            for school in report.schools {
                let sheets = report.sheets(school: school)
                let base = (folder as NSString).appendingPathComponent("reconciliation-\(report.schoolYear)-\(fileName(school))")
                try OwnerOnlyFile.write(Array(sheets[1].rows.map(CSVWriter.line).joined().utf8), to: base + ".csv")
                try OwnerOnlyFile.write(try WorkbookWriter.bytes(sheets.map { WorkbookWriter.Sheet(name: $0.name, rows: $0.rows) }), to: base + ".xlsx")
                invocation.printError("certgate: wrote \(base).csv and .xlsx")
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

    /// `--sis FILE`: the SIS's report beside CertGate's attainments.
    static func compare(_ invocation: Invocation, sis: String, year: SchoolYear?) throws -> Int32 {
        let gateway = try invocation.openGateway()
        let year = try year ?? gateway.schoolYear(of: CalendarDate.day())
        let comparison = try gateway.compareWithSIS(sis, schoolYear: year, school: invocation.option("--school"))
        let header = ["difference", "school", "student_id", "credential", "sis_date", "certgate_date", "sis_row"]
        let rows = comparison.differences.map {
            [$0.difference.rawValue, $0.school, $0.studentID, $0.credentialCode, $0.sisDate ?? "", $0.certgateDate ?? "", $0.location ?? ""]
        }
        if let folder = invocation.option("--out") {
            let base = (folder as NSString).appendingPathComponent("sis-comparison-\(year)")
            try OwnerOnlyFile.write(Array(([header] + rows).map(CSVWriter.line).joined().utf8), to: base + ".csv")
            try OwnerOnlyFile.write(try WorkbookWriter.bytes([.init(name: "SIS and CertGate", rows: [header] + rows)]), to: base + ".xlsx")
            invocation.printError("certgate: wrote \(base).csv and .xlsx")
        }
        if invocation.globals.format == .table {
            let count = { (kind: SISComparison.Difference) in comparison.differences.filter { $0.difference == kind }.count }
            invocation.print(
                "\(comparison.sisRows) SIS row(s) for \(year): \(comparison.agreeing) agree; \(count(.sisOnly)) the SIS has that CertGate cannot back, "
                    + "\(count(.certgateOnly)) CertGate has that the SIS lacks, \(count(.dateDiffers)) on different dates")
            for problem in comparison.problems { invocation.print("  \(problem.location): \(problem.message)") }
        }
        invocation.print(Output(columns: header, rows: rows).render(invocation.globals.format, json: comparison))
        return comparison.differences.isEmpty && comparison.problems.isEmpty ? 0 : 1
    }

    /// A school's name as part of a file name: letters, digits and dashes only.
    static func fileName(_ school: String) -> String {
        let kept = school.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" }
        let name = String(kept).split(separator: "-").joined(separator: "-")
        return name.isEmpty ? "no-school" : name
    }
}
