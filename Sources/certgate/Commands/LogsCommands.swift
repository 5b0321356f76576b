import Foundation
import Gateway

/// `certgate logs import`: teachers' own logs of certificates earned, as claims.
enum LogsCommands {
    static let importLogs = CommandSpec(
        path: ["logs", "import"],
        summary: "import teachers' logs (CSV or Excel .xlsx) as their claims",
        positionals: ["FILE..."],
        options: [
            OptionSpec(name: "--teacher", valueName: "\"Last, First\"", help: "the teacher, for files without a CTE Course Teacher column")
        ],
        details: """
            Each sheet's header row is found by its column names (State Student Number or Student
            ID, Certificate or Component Earned, Exam Date, and optionally Student Name, Result,
            Exam Proctor, CTE Course Teacher, Course Name; other names in config/gateway.json
            teacher_logs). A title row above the headers and empty rows are skipped; Excel dates
            and YYYY-MM-DD or MM/DD/YYYY text are read. A certificate is named by its code or its
            catalog name; a misspelling gets a suggestion, never a guess. Each good row becomes
            that teacher's claim; importing the same file again (or a corrected copy with the same
            name) updates its claims and removes those whose rows are gone. Bad rows are listed
            with file:sheet:row and what is wrong; the other rows still load. Exit status 1 if any
            row was refused.
            """,
        run: { invocation in
            let summary = try invocation.openGateway().importTeacherLogs(invocation.positionals, teacher: invocation.option("--teacher"))
            if invocation.globals.format == .json {
                invocation.print(Output.json(summary))
            } else {
                for file in summary.files {
                    invocation.print(
                        "\(file.name): \(file.rows) row(s): \(file.new) new, \(file.updated) updated, \(file.unchanged) unchanged, "
                            + "\(file.removed) removed, \(file.problems.count) refused")
                    for problem in file.problems { invocation.print("  \(problem.location): \(problem.message)") }
                }
            }
            return summary.files.allSatisfy { $0.problems.isEmpty } ? 0 : 1
        })
}
