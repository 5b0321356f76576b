import CertGateCore
import Foundation
import Gateway

/// The providers' pulls, newest first; a failed pull stands out with its reason. For
/// coordinators and auditors, who answer for the data arriving.
enum PullsPage {
    static func allowed(_ context: PageContext) -> Bool {
        context.user.role == .cteCoordinator || context.user.role == .auditor
    }

    /// Coordinators start a pull from here; it runs in the background.
    static func mayPull(_ context: PageContext) -> Bool { context.user.role == .cteCoordinator }

    static func pullNow(_ context: PageContext, _ pulls: BackgroundPull) -> ConsoleResponse {
        guard mayPull(context) else { return ConsoleApp.notFound }
        _ = pulls.start(context.gateway)  // one already running: the page shows it
        return .redirect("/pulls")
    }

    static func render(_ context: PageContext, _ background: BackgroundPull.State) throws -> ConsoleResponse {
        guard allowed(context) else { return ConsoleApp.notFound }
        var now = ""
        if background.running {
            let lines = background.progress.map { "<li>\(HTML.escape($0))</li>" }.joined()
            now = """
                <section aria-live="polite"><h2>Pulling now</h2><p>Started by \(HTML.escape(background.startedBy ?? ""))
                \(background.startedAt.map { "at " + Timestamp.string($0) } ?? ""). This page reloads every 2 seconds.</p><ol>\(lines)</ol></section>
                """
        } else {
            if !background.outcome.isEmpty {
                now = "<section><h2>The pull started here</h2><ul>" + background.outcome.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></section>"
            }
            if mayPull(context) {
                now += """
                    <form method="post" action="/pulls/now"><input type="hidden" name="csrf" value="\(HTML.escape(context.csrf))">
                    <p><button type="submit">Pull now</button> every enabled provider, from where the last pull ended (as the weekly job does).</p></form>
                    """
            }
        }
        let runs = try context.gateway.pullRuns()
        let rows = runs.map { run in
            let status = run.status == .failed ? "<strong class=\"error\">failed</strong>" : HTML.escape(run.status.rawValue)
            return """
                <tr><td data-label="Provider">\(HTML.escape(run.providerID))</td><td data-label="Started">\(HTML.escape(run.startedAt))</td>
                <td data-label="Status">\(status)</td><td data-label="Fetched">\(run.fetched)</td><td data-label="New">\(run.new)</td>
                <td data-label="Updated">\(run.updated)</td><td data-label="Rejected">\(run.rejected)</td>
                <td data-label="Why it failed">\(HTML.escape(run.error ?? ""))</td></tr>
                """
        }.joined()
        let body = now + (runs.isEmpty
            ? "<p>No pull has run yet. The weekly job runs <code>certgate pull</code>.</p>"
            : """
            <table><caption>The latest \(runs.count) pull(s)</caption><thead><tr><th scope="col">Provider</th><th scope="col">Started</th>
            <th scope="col">Status</th><th scope="col">Fetched</th><th scope="col">New</th><th scope="col">Updated</th>
            <th scope="col">Rejected</th><th scope="col">Why it failed</th></tr></thead><tbody>\(rows)</tbody></table>
            """)
        return .html(HTML.page("Pulls", user: context.user, csrf: context.csrf, refresh: background.running ? 2 : nil, body))
    }
}
