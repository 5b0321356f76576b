import CertGateCore
import Foundation
import Gateway

/// The user's task queue: filtered on the server by what they may see, resolved or dismissed
/// with a note.
enum TasksPage {
    static let pageSize = 100

    static func list(_ context: PageContext, query: [String: String]) throws -> ConsoleResponse {
        // Filters and order from the query, each checked; what the user may see narrows them all.
        var filter = TaskFilter()
        func given(_ name: String) -> String? { query[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let kind = given("kind") {
            guard let known = TaskKind(rawValue: kind) else { return ConsoleApp.notFound }
            filter.kind = known
        }
        if let role = given("role") {
            guard let known = StaffRole(rawValue: role) else { return ConsoleApp.notFound }
            filter.role = known
        }
        filter.school = given("school")
        if let due = given("due") {
            guard let day = CalendarDate(parsing: due) else { return ConsoleApp.notFound }
            filter.dueBy = day
        }
        guard let order = given("sort").map({ TaskOrder(rawValue: $0) }) ?? .due else { return ConsoleApp.notFound }
        let visible = filter.visible(to: context.user)
        let total = try context.gateway.taskCounts(visible).reduce(0) { $0 + $1.count }
        let page = HTML.pageNumber(query)
        let shown = try context.gateway.tasks(visible, order: order, limit: pageSize, offset: (page - 1) * pageSize)
        var rows = ""
        for task in shown {
            var actions = ""
            if context.mayChange {
                actions = """
                    <form method="post" action="/tasks/\(task.id)/resolve"><input type="hidden" name="csrf" value="\(HTML.escape(context.csrf))">
                    <label for="note-\(task.id)">Note</label> <input id="note-\(task.id)" name="note" required>
                    <button type="submit">Resolve</button>
                    <button type="submit" formaction="/tasks/\(task.id)/dismiss">Dismiss</button></form>
                    """
            }
            rows += """
                <tr><td data-label="Task">\(task.id)</td><td data-label="Kind">\(HTML.escape(task.kind.rawValue))</td>
                <td data-label="School">\(HTML.escape(task.school ?? ""))</td><td data-label="Due">\(HTML.escape(task.dueOn ?? ""))</td>
                <td data-label="What to do">\(HTML.escape(task.explanation))</td><td>\(actions)</td></tr>
                """
        }
        let kinds = HTML.options(TaskKind.allCases.map { ($0.rawValue, $0.rawValue) }, selected: filter.kind?.rawValue)
        let roles = HTML.options(StaffRole.allCases.map { ($0.rawValue, HTML.words($0.rawValue)) }, selected: filter.role?.rawValue)
        let orders = HTML.options(
            TaskOrder.allCases.map { ($0.rawValue, ["due": "due date", "newest": "newest first"][$0.rawValue] ?? $0.rawValue) }, selected: order.rawValue)
        var kept = query
        kept["page"] = nil
        let body = """
            <form method="get" action="/tasks" class="filters">
            <label for="kind">Kind</label> <select id="kind" name="kind"><option value="">all</option>\(kinds)</select>
            <label for="role">Waiting for</label> <select id="role" name="role"><option value="">anyone</option>\(roles)</select>
            <label for="school">School</label> <input id="school" name="school" value="\(HTML.escape(filter.school ?? ""))">
            <label for="due">Due by</label> <input id="due" name="due" type="date" value="\(HTML.escape(filter.dueBy?.description ?? ""))">
            <label for="sort">Sort by</label> <select id="sort" name="sort">\(orders)</select>
            <button type="submit">Show</button></form>
            <p>\(total) open task(s)\(total > pageSize ? ", \(pageSize) a page" : "").</p>
            <table><caption>Open tasks</caption><thead><tr><th scope="col">Task</th><th scope="col">Kind</th><th scope="col">School</th>
            <th scope="col">Due</th><th scope="col">What to do</th><th scope="col">Action</th></tr></thead><tbody>\(rows)</tbody></table>
            \(HTML.pager("/tasks", query: kept, page: page, total: total, pageSize: pageSize))
            """
        return .html(HTML.page("Tasks", user: context.user, csrf: context.csrf, body))
    }

    /// Closes a task the user may see and change; anything else is "not found".
    static func close(_ context: PageContext, id: Int?, dismiss: Bool, note: String) throws -> ConsoleResponse {
        guard let id, context.mayChange else { return ConsoleApp.notFound }
        var filter = TaskFilter()
        filter.id = id
        guard try !context.gateway.tasks(filter.visible(to: context.user)).isEmpty else { return ConsoleApp.notFound }
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            return .html(HTML.page("Note needed", user: context.user, csrf: context.csrf,
                "<p class=\"error\" role=\"alert\">Say why in the note. <a href=\"/tasks\">Back to the tasks</a></p>"), status: 400)
        }
        try context.gateway.closeTask(id, dismiss: dismiss, note: trimmed)
        return .redirect("/tasks")
    }
}
