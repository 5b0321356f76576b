import Gateway

/// The first page after signing in: the user's open tasks by kind.
enum DashboardPage {
    static func render(_ context: PageContext) throws -> ConsoleResponse {
        let tasks = try context.gateway.tasks(TaskFilter().visible(to: context.user))
        var counts: [TaskKind: Int] = [:]
        for task in tasks { counts[task.kind, default: 0] += 1 }
        let rows = counts.sorted { $0.key.rawValue < $1.key.rawValue }.map {
            "<tr><th scope=\"row\"><a href=\"/tasks?kind=\($0.key.rawValue)\">\(HTML.escape($0.key.rawValue))</a></th><td>\($0.value)</td></tr>"
        }.joined()
        let body = tasks.isEmpty
            ? "<p>No open tasks for you.</p>"
            : "<table><caption>Your open tasks by kind</caption><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Open</th></tr></thead><tbody>\(rows)</tbody></table>"
        return .html(HTML.page("Dashboard", user: context.user, csrf: context.csrf, body))
    }
}
