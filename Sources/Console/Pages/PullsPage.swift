import Gateway

/// The providers' pulls, newest first; a failed pull stands out with its reason. For
/// coordinators and auditors, who answer for the data arriving.
enum PullsPage {
    static func allowed(_ context: PageContext) -> Bool {
        context.user.role == .cteCoordinator || context.user.role == .auditor
    }

    static func render(_ context: PageContext) throws -> ConsoleResponse {
        guard allowed(context) else { return ConsoleApp.notFound }
        let runs = try context.gateway.pullRuns()
        let rows = runs.map { run in
            let status = run.status == .failed ? "<strong class=\"error\">failed</strong>" : HTML.escape(run.status.rawValue)
            return """
                <tr><td>\(HTML.escape(run.providerID))</td><td>\(HTML.escape(run.startedAt))</td><td>\(status)</td>
                <td>\(run.fetched)</td><td>\(run.new)</td><td>\(run.updated)</td><td>\(run.rejected)</td><td>\(HTML.escape(run.error ?? ""))</td></tr>
                """
        }.joined()
        let body = runs.isEmpty
            ? "<p>No pull has run yet. The weekly job runs <code>certgate pull</code>.</p>"
            : """
            <table><caption>The latest \(runs.count) pull(s)</caption><thead><tr><th scope="col">Provider</th><th scope="col">Started</th>
            <th scope="col">Status</th><th scope="col">Fetched</th><th scope="col">New</th><th scope="col">Updated</th>
            <th scope="col">Rejected</th><th scope="col">Why it failed</th></tr></thead><tbody>\(rows)</tbody></table>
            """
        return .html(HTML.page("Pulls", user: context.user, csrf: context.csrf, body))
    }
}
