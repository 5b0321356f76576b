import CertGateCore
import Foundation
import Gateway
import Spreadsheet

/// Teachers' claims against providers and certificates, as the last checks left them
/// (`certgate reconcile` runs them): coordinators and auditors see every school, school leads
/// theirs, teachers their own claims. Each school's report downloads as an .xlsx workbook.
enum ReconciliationPage {
    static let pageSize = 100

    /// Whose claims the user sees: (schools or nil for all, teacher or nil), or nil for no one.
    static func scope(_ context: PageContext) -> (schools: [String]?, teacher: String?)? {
        switch context.user.role {
        case .cteCoordinator, .auditor: return (nil, nil)
        case .schoolLead: return (context.user.schools, nil)
        case .cteTeacher: return context.user.teacherName.map { (context.user.schools.isEmpty ? nil : context.user.schools, $0) }
        case .dataClerk: return nil
        }
    }

    static func report(_ context: PageContext, query: [String: String]) throws -> (Reconciliation, SchoolYear)? {
        guard let scope = scope(context) else { return nil }
        let current = try context.gateway.schoolYear(of: CalendarDate.day())
        guard let year = query["year"].map({ SchoolYear(parsing: $0) }) ?? current else { return nil }
        var schools = scope.schools
        if let school = query["school"], !school.isEmpty {
            guard schools == nil || schools!.contains(school) else { return nil }
            schools = [school]
        }
        return (try context.gateway.reconciliation(schoolYear: year, schools: schools, teacher: scope.teacher), year)
    }

    static func render(_ context: PageContext, query: [String: String]) throws -> ConsoleResponse {
        guard let (report, year) = try report(context, query: query) else { return ConsoleApp.notFound }
        let counts = report.counts.map {
            [$0.school, $0.teacher ?? "(attainments no teacher logged)", "\($0.claims)", "\($0.verified)", "\($0.conflicts)",
             "\($0.evidenceMissing)", "\($0.unlogged)"]
        }
        let status = query["status"].flatMap(ClaimStatus.init)
        let claims = report.claims.filter { status == nil || $0.status == status }
        let page = HTML.pageNumber(query)
        let shown = claims.dropFirst((page - 1) * pageSize).prefix(pageSize).map {
            [$0.school, $0.teacher, $0.studentID, $0.credentialCode, $0.examDate, $0.outcome.rawValue,
             HTML.words($0.status.rawValue), $0.detail, $0.origin]
        }
        let statuses = HTML.options(ClaimStatus.allCases.map { ($0.rawValue, HTML.words($0.rawValue)) }, selected: status?.rawValue)
        let downloads = context.user.role == .cteTeacher ? "" : report.schools.map { school in
            "<li><a href=\"/reconciliation/download?year=\(year)&amp;school=\(HTML.queryValue(school))\">\(HTML.escape(school.isEmpty ? "(no school)" : school)) (.xlsx)</a></li>"
        }.joined()
        var kept = query
        kept["page"] = nil
        let body = """
            <p>Teachers' claims (logs and "Log a certificate") against provider results and certificates, as the last checks
            left them. \(report.claims.count) claim(s) in \(year).</p>
            <form method="get" action="/reconciliation" class="filters"><label for="year">School year</label>
            <input id="year" name="year" value="\(year)" size="8"> <label for="status">Status</label>
            <select id="status" name="status"><option value="">any</option>\(statuses)</select> <button type="submit">Show</button></form>
            \(counts.isEmpty ? "<p>No teacher has logged a certificate for this year yet (certgate logs import, or Log a certificate).</p>"
                : HTML.table(caption: "Per school and teacher", headings: ["School", "Teacher", "Claims", "Verified", "Conflicts", "Evidence missing", "Unlogged"], rows: counts))
            \(downloads.isEmpty ? "" : "<h2>Reports to download</h2><ul>\(downloads)</ul>")
            \(shown.isEmpty ? "" : "<h2>Claims</h2>")
            \(shown.isEmpty ? "" : HTML.table(caption: nil, headings: ["School", "Teacher", "Student", "Credential", "Exam date", "Logged", "Status", "Detail", "Where logged"], rows: shown))
            \(HTML.pager("/reconciliation", query: kept, page: page, total: claims.count, pageSize: pageSize))
            """
        return .html(HTML.page("Reconciliation", user: context.user, csrf: context.csrf, body))
    }

    /// One school's report as an .xlsx workbook.
    static func download(_ context: PageContext, query: [String: String]) throws -> ConsoleResponse {
        guard context.user.role != .cteTeacher, let school = query["school"], let (report, year) = try report(context, query: query) else {
            return ConsoleApp.notFound
        }
        let bytes = try WorkbookWriter.bytes(report.sheets(school: school).map { WorkbookWriter.Sheet(name: $0.name, rows: $0.rows) })
        let name = "reconciliation-\(year)-\(school.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(String.init).joined()).xlsx"
        return ConsoleResponse(
            status: 200,
            headers: [("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                      ("Content-Disposition", "attachment; filename=\"\(name)\"")],
            body: bytes)
    }
}
