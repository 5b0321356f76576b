import Gateway

/// `certgate roster import ROSTER.csv [--enrollments ENROLLMENTS.csv]`
enum RosterImportCommand {
    static let spec = CommandSpec(
        path: ["roster", "import"],
        summary: "load the district roster (and CTE enrollments) from SIS exports",
        positionals: ["ROSTER.csv"],
        options: [OptionSpec(name: "--enrollments", valueName: "ENROLLMENTS.csv", help: "CTE course enrollments to load too")],
        details: """
            Header names are matched through the "roster" section of config/gateway.json, so Skyward,
            Focus and PowerSchool exports load unedited. Re-importing updates students in place and
            never duplicates them. A bad row rejects the whole import with file, line and field, and
            leaves the database as it was.
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        let gateway = try invocation.openGateway()
        let summary = try gateway.importRoster(
            rosterPath: invocation.positionals[0], enrollmentsPath: invocation.option("--enrollments"))
        var rows = [row("students", summary.students)]
        if let enrollments = summary.enrollments { rows.append(row("enrollments", enrollments)) }
        let output = Output(columns: ["kind", "file", "rows", "new", "updated", "unchanged"], rows: rows)
        invocation.print(output.render(invocation.globals.format, json: summary))
        if invocation.globals.format == .table {
            for counts in [summary.students] + (summary.enrollments.map { [$0] } ?? []) where !counts.ignoredColumns.isEmpty {
                invocation.print("ignored columns in \(counts.file): \(counts.ignoredColumns.joined(separator: ", "))")
            }
            if summary.students.singleName > 0 {
                invocation.print("\(summary.students.singleName) student(s) with one name only (accepted; matching compares it with either name a provider sends)")
            }
            if let matching = summary.matching, matching.considered > 0 {
                invocation.print(
                    "matching again: \(matching.considered) undecided results: \(matching.matched) matched, \(matching.review) to review, "
                        + "\(matching.unmatched) unmatched")
            }
            invocation.print("done in \(String(format: "%.2f", summary.seconds)) s; database \(invocation.globals.databaseLocation)")
        }
        return 0
    }

    private static func row(_ kind: String, _ counts: RosterImportSummary.FileCounts) -> [String] {
        [kind, counts.file, "\(counts.rows)", "\(counts.new)", "\(counts.updated)", "\(counts.unchanged)"]
    }
}
