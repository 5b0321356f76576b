import Foundation
import Gateway

/// `certgate tasks [--status S] [--kind K] [--school NAME] [--role ROLE]`
enum TasksCommand {
    static let spec = CommandSpec(
        path: ["tasks"],
        summary: "list what people must do (evidence missing, retake too soon, match review, …)",
        options: [
            OptionSpec(name: "--status", valueName: "open|resolved|dismissed", help: "default open"),
            OptionSpec(name: "--kind", valueName: "KIND", help: "e.g. evidence_missing, retake_too_soon, match_review"),
            OptionSpec(name: "--school", valueName: "NAME", help: "only this school's tasks"),
            OptionSpec(name: "--role", valueName: "ROLE", help: "only tasks for this role (\(StaffRole.list))"),
        ],
        details: "Each task says what is wrong and what to do, who should do it and by when. Kinds: "
            + TaskKind.allCases.map(\.rawValue).joined(separator: ", ") + ".",
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        let status = invocation.option("--status") ?? TaskStatus.open.rawValue
        guard TaskStatus(rawValue: status) != nil else { throw UsageError("unknown --status \(status); statuses: \(TaskStatus.list)") }
        if let role = invocation.option("--role"), StaffRole(rawValue: role) == nil {
            throw UsageError("unknown --role \(role); roles: \(StaffRole.list)")
        }
        if let kind = invocation.option("--kind"), TaskKind(rawValue: kind) == nil {
            throw UsageError("unknown --kind \(kind); kinds: \(TaskKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let filter = TaskFilter(
            status: TaskStatus(rawValue: status) ?? .open, kind: invocation.option("--kind").flatMap(TaskKind.init),
            school: invocation.option("--school"), role: invocation.option("--role").flatMap(StaffRole.init))
        let tasks = try invocation.openGateway().tasks(filter)
        let columns = ["id", "kind", "subject_type", "subject_id", "status", "assignee_role", "school", "due_on", "explanation", "resolution_note"]
        let shown = invocation.globals.format == .table ? Array(columns.prefix(8)) + ["explanation"] : columns
        let output = Output(columns: shown, rows: tasks.map { task in shown.map { Self.text(task, $0) } })
        invocation.print(output.render(invocation.globals.format, json: ["tasks": tasks]))
        return 0
    }

    private static func text(_ task: TaskListing, _ column: String) -> String {
        switch column {
        case "id": "\(task.id)"
        case "kind": task.kind.rawValue
        case "subject_type": task.subjectType
        case "subject_id": task.subjectID
        case "status": task.status.rawValue
        case "assignee_role": task.assigneeRole?.rawValue ?? ""
        case "school": task.school ?? ""
        case "due_on": task.dueOn ?? ""
        case "explanation": task.explanation
        case "resolution_note": task.resolutionNote ?? ""
        default: ""
        }
    }
}

/// `certgate tasks resolve|dismiss ID --note TEXT`
enum TaskCloseCommand {
    static func spec(dismiss: Bool) -> CommandSpec {
        CommandSpec(
            path: ["tasks", dismiss ? "dismiss" : "resolve"],
            summary: dismiss ? "dismiss a task that does not apply (it is not raised again)" : "mark a task done by hand",
            positionals: ["TASK_ID"],
            options: [OptionSpec(name: "--note", valueName: "TEXT", help: "why (required; kept in the audit trail)")],
            run: { invocation in
                guard let id = Int(invocation.positionals[0]) else { throw UsageError("TASK_ID must be a number") }
                guard let note = invocation.option("--note"), !note.isEmpty else { throw UsageError("--note TEXT is required") }
                try invocation.openGateway().closeTask(id, dismiss: dismiss, note: note)
                invocation.print("task \(id) \(dismiss ? "dismissed" : "resolved")")
                return 0
            })
    }
}

/// `certgate check [--today DATE]`
enum CheckCommand {
    static let spec = CommandSpec(
        path: ["check"],
        summary: "re-derive attainments and run every data check (after a config change)",
        options: [OptionSpec(name: "--today", valueName: "YYYY-MM-DD", help: "measure expiry from this day (default today)")],
        run: { invocation in
            let summary = try invocation.openGateway().runChecks(today: try invocation.date("--today"))
            let rows = summary.openByKind.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)"] }
            invocation.print(Output(columns: ["kind", "open"], rows: rows).render(invocation.globals.format, json: summary))
            if invocation.globals.format == .table {
                invocation.print(
                    "attainments: \(summary.attainmentsCreated) created, \(summary.attainmentsRemoved) removed; tasks: "
                        + "\(summary.tasksOpened) opened, \(summary.tasksResolved) resolved")
            }
            return 0
        })
}
