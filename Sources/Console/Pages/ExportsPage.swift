import CertGateCore
import Foundation
import Gateway

/// Export files to download: coordinators make them, auditors may download them too. Each
/// download is audited with the user as the actor (the gateway records it).
enum ExportsPage {
    static func allowed(_ context: PageContext) -> Bool {
        context.user.role == .cteCoordinator || context.user.role == .auditor
    }

    static func list(_ context: PageContext) throws -> ConsoleResponse {
        guard allowed(context) else { return ConsoleApp.notFound }
        let current = try context.gateway.schoolYear(of: CalendarDate.day())
        let years = (0..<4).map { SchoolYear(startYear: current.startYear - $0) }
        let options = HTML.options(years.map { ($0.description, $0.description) })
        let buttons = ExportFormat.allCases.map {
            "<button type=\"submit\" name=\"format\" value=\"\($0.rawValue)\">\(HTML.escape(title($0)))</button>"
        }.joined(separator: " ")
        let body = """
            <form method="get" action="/exports/download"><p><label for="year">School year</label>
            <select id="year" name="year">\(options)</select></p><p>\(buttons)</p></form>
            <p>Records that cannot be exported correctly are left out and listed by <code>certgate export</code>.</p>
            """
        return .html(HTML.page("Exports", user: context.user, csrf: context.csrf, body))
    }

    static func download(_ context: PageContext, query: [String: String]) throws -> ConsoleResponse {
        guard allowed(context) else { return ConsoleApp.notFound }
        guard let format = query["format"].flatMap(ExportFormat.init), let year = query["year"].flatMap(SchoolYear.init(parsing:)) else {
            return .html(HTML.page("Exports", user: context.user, csrf: context.csrf,
                "<p class=\"error\" role=\"alert\">Choose a school year and a file. <a href=\"/exports\">Back</a></p>"), status: 400)
        }
        let result = try context.gateway.export(format, year: year)
        let name = "certgate-\(format.rawValue)-\(year).\(format == .floridaSurvey5 ? "txt" : "csv")"
        return ConsoleResponse(
            status: 200,
            headers: [
                ("Content-Type", format == .floridaSurvey5 ? "text/plain; charset=utf-8" : "text/csv; charset=utf-8"),
                ("Content-Disposition", "attachment; filename=\"\(name)\""),
            ], body: Array(result.text.utf8))
    }

    static func title(_ format: ExportFormat) -> String {
        switch format {
        case .perkins: "Perkins V (5S1)"
        case .sisCSV: "SIS import"
        case .floridaSurvey5: "Florida Survey 5"
        }
    }
}
