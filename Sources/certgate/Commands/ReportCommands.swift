import Foundation
import Gateway

/// `certgate report non-concentrators [--school NAME] [--year YYYY-YY]`
enum ReportCommands {
    static let nonConcentrators = CommandSpec(
        path: ["report", "non-concentrators"],
        summary: "attainments of students who are not CTE concentrators (information, not tasks)",
        options: [
            OptionSpec(name: "--school", valueName: "NAME", help: "only this school's"),
            OptionSpec(name: "--year", valueName: "YYYY-YY", help: "only those earned in this school year"),
        ],
        details: """
            A Perkins-reportable credential earned by a student who is not a CTE concentrator does not
            count for Perkins 5S1. That is information for school leads, so it is listed here instead of
            opening a task per attainment; add "not_concentrator" to "information_tasks" in
            config/rules.json to have tasks as well. A school where no student is flagged as a
            concentrator gets one missing_concentrator_flags task instead.
            """,
        run: { invocation in
            var year: SchoolYear?
            if let text = invocation.option("--year") {
                guard let parsed = SchoolYear(parsing: text) else { throw UsageError("--year must be a school year like 2025-26") }
                year = parsed
            }
            let report = try invocation.openGateway().nonConcentratorReport(school: invocation.option("--school"), year: year)
            let columns = ["attainment", "student_id", "school", "credential", "earned_on", "review_status"]
            let rows = report.rows.map {
                ["\($0.attainment)", $0.studentID, $0.school ?? "", $0.credential, $0.earnedOn, $0.reviewStatus]
            }
            invocation.print(Output(columns: columns, rows: rows).render(invocation.globals.format, json: report))
            if invocation.globals.format == .table {
                for (school, count) in report.bySchool.sorted(by: { $0.key < $1.key }) {
                    invocation.print("\(school.isEmpty ? "(no school)" : school): \(count) attainment(s) of non-concentrators")
                }
            }
            return 0
        })
}
