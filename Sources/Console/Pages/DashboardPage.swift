import CertGateCore
import Foundation
import Gateway

/// The first page after signing in: this school year's attainments by school, program and
/// credential, pass rates by exam, the user's open tasks by kind and role and, for coordinators
/// and auditors, each provider's last pull. Charts are SVG, each with its table.
enum DashboardPage {
    static func render(
        _ context: PageContext, query: [String: String], figures: TimedCache<DashboardFigures>, years: TimedCache<[SchoolYear]>
    ) throws -> ConsoleResponse {
        let visible = TaskFilter().visible(to: context.user)
        let counts = try context.gateway.taskCounts(visible)
        var body = "<h2>Open tasks</h2>"
        if counts.isEmpty {
            body += "<p>No open tasks for you.</p>"
        } else {
            let rows = counts.map {
                "<tr><th scope=\"row\"><a href=\"/tasks?kind=\($0.kind.rawValue)\">\(HTML.escape($0.kind.rawValue))</a></th><td data-label=\"Open\">\($0.count)</td></tr>"
            }.joined()
            let roles = try context.gateway.taskCountsByRole(visible).map {
                "<tr><th scope=\"row\">\(HTML.escape($0.role.map { HTML.words($0.rawValue) } ?? "anyone"))</th><td data-label=\"Open\">\($0.count)</td></tr>"
            }.joined()
            body += """
                <div class="columns"><table><caption>By kind</caption><thead><tr><th scope="col">Kind</th><th scope="col">Open</th></tr></thead><tbody>\(rows)</tbody></table>
                <table><caption>By role they wait for</caption><thead><tr><th scope="col">Role</th><th scope="col">Open</th></tr></thead><tbody>\(roles)</tbody></table></div>
                """
        }
        // This school year, or the one asked for; the years with data are offered (no script: a GET form).
        let today = CalendarDate.day()
        // Default: this school year, or before its first result the latest year with data.
        var years = try years.value("") { try context.gateway.schoolYearsWithData() }.0
        let current = try context.gateway.schoolYear(of: today)
        let latest = years.first.map { $0.startYear < current.startYear ? $0 : current } ?? current
        if !years.contains(current) { years.insert(current, at: 0) }
        guard let year = query["year"].map({ SchoolYear(parsing: $0) }) ?? latest else { return ConsoleApp.notFound }
        let options = HTML.options(years.map { ($0.description, $0.description) }, selected: year.description)
        body += """
            <form method="get" action="/" class="inline"><label for="year">School year</label> <select id="year" name="year">\(options)</select>
            <button type="submit">Show</button></form>
            """
        body += try self.figures(context, year: year, cache: figures)
        if PullsPage.allowed(context) {
            // Each provider's last pull; a failed one stands out.
            var latest: [String: PullRunListing] = [:]
            for run in try context.gateway.pullRuns(limit: 200) where latest[run.providerID] == nil { latest[run.providerID] = run }
            let pulls = latest.values.sorted { $0.providerID < $1.providerID }.map { run in
                let status = run.status == .failed
                    ? "<strong class=\"error\">failed: \(HTML.escape(run.error ?? ""))</strong>" : HTML.escape(run.status.rawValue)
                return "<tr><th scope=\"row\">\(HTML.escape(run.providerID))</th><td data-label=\"Started\">\(HTML.escape(run.startedAt))</td><td data-label=\"Result\">\(status)</td></tr>"
            }.joined()
            body += "<h2>Pulls</h2>" + (pulls.isEmpty ? "<p>No pull has run yet.</p>"
                : "<table><caption>Each provider's last pull (<a href=\"/pulls\">all pulls</a>)</caption><thead><tr><th scope=\"col\">Provider</th><th scope=\"col\">Started</th><th scope=\"col\">Result</th></tr></thead><tbody>\(pulls)</tbody></table>")
        }
        return .html(HTML.page("Dashboard", user: context.user, csrf: context.csrf, body))
    }

    /// Attainments and pass rates of the school year, as charts with their tables.
    private static func figures(_ context: PageContext, year: SchoolYear, cache: TimedCache<DashboardFigures>) throws -> String {
        let account = context.user
        let view = [account.role.rawValue, account.schools.sorted().joined(separator: "\u{1F}"), account.teacherName ?? "", year.description]
        let (figures, counted) = try cache.value(view.joined(separator: "\u{1E}")) {
            try context.gateway.dashboardFigures(visibleTo: account, schoolYear: year)
        }
        let year = figures.schoolYear.description
        let total = figures.attainments.reduce(0) { $0 + $1.count }
        var html = "<p class=\"hint\">Figures as of \(Timestamp.string(counted).prefix(19).replacingOccurrences(of: "T", with: " ")) UTC; counted again after a minute.</p>"
        html += "<h2>Attainments in \(year)</h2>"
        guard total > 0 else { return html + "<p>No attainment earned this school year yet.</p>" + passRates(figures) }
        html += "<p>\(total) attainment(s) earned this school year (rejected ones not counted).</p>"
        for (id, heading, key) in [
            ("by-school", "By school", { (row: DashboardFigures.Attainments) in row.school.isEmpty ? "(no school)" : row.school }),
            ("by-program", "By program", { $0.program }), ("by-credential", "By credential", { $0.credential }),
        ] as [(String, String, (DashboardFigures.Attainments) -> String)] {
            let totals = figures.totals(by: key)
            let shown = totals.prefix(15)
            html += "<h3>\(heading)</h3><div class=\"columns\">" + BarChart.svg(
                id: id, title: "Attainments in \(year), \(heading.lowercased())",
                bars: shown.map { BarChart.Bar(label: $0.name, value: Double($0.count), shown: "\($0.count)") })
            html += HTML.table(caption: "Attainments in \(year), \(heading.lowercased())\(totals.count > 15 ? " (the chart shows the first 15)" : "")",
                headings: [heading.replacingOccurrences(of: "By ", with: "").capitalized, "Attainments"],
                rows: totals.map { [$0.name, "\($0.count)"] }) + "</div>"
        }
        return html + passRates(figures)
    }

    private static func passRates(_ figures: DashboardFigures) -> String {
        let year = figures.schoolYear.description
        guard !figures.passRates.isEmpty else { return "<h2>Pass rates in \(year)</h2><p>No exam attempts this school year yet.</p>" }
        func percent(_ rate: DashboardFigures.PassRate) -> String { "\(Int((rate.rate * 100).rounded()))% (\(rate.passed) of \(rate.attempts))" }
        let rates = figures.passRates.sorted { $0.attempts > $1.attempts }
        return "<h2>Pass rates in \(year)</h2><div class=\"columns\">" + BarChart.svg(
            id: "pass-rates", title: "Pass rate by exam in \(year)",
            bars: rates.prefix(15).map { BarChart.Bar(label: "\($0.provider) \($0.exam)", value: $0.rate, shown: percent($0)) }, maximum: 1)
            + HTML.table(caption: "Pass rate by exam in \(year)", headings: ["Provider", "Exam", "Attempts", "Passed", "Pass rate"],
                rows: rates.map { [$0.provider, $0.exam, "\($0.attempts)", "\($0.passed)", "\(Int(($0.rate * 100).rounded()))%"] }) + "</div>"
    }
}
