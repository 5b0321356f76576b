import Gateway

/// The first page after signing in: the user's open tasks by kind and, for coordinators and
/// auditors, each provider's last pull.
enum DashboardPage {
    static func render(_ context: PageContext) throws -> ConsoleResponse {
        let counts = try context.gateway.taskCounts(TaskFilter().visible(to: context.user))
        let rows = counts.map {
            "<tr><th scope=\"row\"><a href=\"/tasks?kind=\($0.kind.rawValue)\">\(HTML.escape($0.kind.rawValue))</a></th><td>\($0.count)</td></tr>"
        }.joined()
        var body = counts.isEmpty
            ? "<p>No open tasks for you.</p>"
            : "<table><caption>Your open tasks by kind</caption><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Open</th></tr></thead><tbody>\(rows)</tbody></table>"
        if PullsPage.allowed(context) {
            // Each provider's last pull; a failed one stands out.
            var latest: [String: PullRunListing] = [:]
            for run in try context.gateway.pullRuns(limit: 200) where latest[run.providerID] == nil { latest[run.providerID] = run }
            let pulls = latest.values.sorted { $0.providerID < $1.providerID }.map { run in
                let status = run.status == .failed
                    ? "<strong class=\"error\">failed: \(HTML.escape(run.error ?? ""))</strong>" : HTML.escape(run.status.rawValue)
                return "<tr><th scope=\"row\">\(HTML.escape(run.providerID))</th><td>\(HTML.escape(run.startedAt))</td><td>\(status)</td></tr>"
            }.joined()
            body += pulls.isEmpty ? "<p>No pull has run yet.</p>"
                : "<table><caption>Each provider's last pull (<a href=\"/pulls\">all pulls</a>)</caption><thead><tr><th scope=\"col\">Provider</th><th scope=\"col\">Started</th><th scope=\"col\">Result</th></tr></thead><tbody>\(pulls)</tbody></table>"
        }
        return .html(HTML.page("Dashboard", user: context.user, csrf: context.csrf, body))
    }
}
