import Gateway

/// `certgate match link RESULT_ID STUDENT_ID`
enum MatchLinkCommand {
    static let spec = CommandSpec(
        path: ["match", "link"],
        summary: "confirm that a result belongs to a student",
        positionals: ["RESULT_ID", "STUDENT_ID"],
        options: [OptionSpec(name: "--comment", valueName: "TEXT", help: "why, for the audit trail")],
        details: """
            Records the decision with --actor and the time, links the provider's candidate ID to the
            student (so that candidate's other results follow), resolves the result's match tasks,
            and is never changed by a later automatic run.
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        guard let resultID = Int(invocation.positionals[0]) else { throw UsageError("RESULT_ID must be a number") }
        let followed = try invocation.openGateway().linkResult(
            resultID, to: invocation.positionals[1], note: invocation.option("--comment"))
        invocation.print("result \(resultID) linked to student \(invocation.positionals[1])")
        if followed.matched > 0 {
            invocation.print("\(followed.matched) other result(s) of the same candidate matched through the link")
        }
        return 0
    }
}

/// `certgate match reject RESULT_ID`
enum MatchRejectCommand {
    static let spec = CommandSpec(
        path: ["match", "reject"],
        summary: "record that a result belongs to none of the district's students",
        positionals: ["RESULT_ID"],
        options: [OptionSpec(name: "--comment", valueName: "TEXT", help: "why, for the audit trail")],
        details: "Records the decision with --actor and the time, resolves the result's match tasks, and is never changed by a later automatic run.",
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        guard let resultID = Int(invocation.positionals[0]) else { throw UsageError("RESULT_ID must be a number") }
        try invocation.openGateway().rejectResult(resultID, note: invocation.option("--comment"))
        invocation.print("result \(resultID) rejected")
        return 0
    }
}
