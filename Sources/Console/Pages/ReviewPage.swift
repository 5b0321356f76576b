import CertGateCore
import Foundation
import Gateway

/// The seed-003 review: coordinators (every school) and school leads (their schools) approve,
/// reject or ask for follow-up on an attainment, with the verification method.
enum ReviewPage {
    /// The schools whose attainments the user reviews: nil for all; no review at all for others.
    static func scope(_ context: PageContext) -> [String]?? {
        switch context.user.role {
        case .cteCoordinator: return .some(nil)
        case .schoolLead: return .some(context.user.schools)
        default: return nil
        }
    }

    static let pageSize = 100

    static func list(_ context: PageContext, query: [String: String]) throws -> ConsoleResponse {
        guard let schools = scope(context) else { return ConsoleApp.notFound }
        let total = try context.gateway.attainmentCount(status: .pending, schools: schools)
        let page = HTML.pageNumber(query)
        let pending = try context.gateway.attainments(status: .pending, schools: schools, limit: pageSize, offset: (page - 1) * pageSize)
        let rows = pending.map { attainment in
            """
            <tr><td data-label="Attainment"><a href="/review/\(attainment.id)">Attainment \(attainment.id)</a></td>
            <td data-label="Student">\(HTML.escape(attainment.studentID))</td><td data-label="School">\(HTML.escape(attainment.school ?? ""))</td>
            <td data-label="Credential">\(HTML.escape(attainment.credentialCode))</td><td data-label="Earned">\(HTML.escape(attainment.earnedOn))</td>
            <td data-label="Source">\(HTML.escape(attainment.source))</td><td data-label="PDFs">\(attainment.pdfs)</td></tr>
            """
        }.joined()
        let body = total == 0
            ? "<p>Nothing waits for review.</p>"
            : """
            <table><caption>\(total) attainment(s) waiting for review\(total > pageSize ? ", \(pageSize) a page" : "")</caption>
            <thead><tr><th scope="col">Attainment</th><th scope="col">Student</th><th scope="col">School</th><th scope="col">Credential</th>
            <th scope="col">Earned</th><th scope="col">Source</th><th scope="col">PDFs</th></tr></thead><tbody>\(rows)</tbody></table>
            \(HTML.pager("/review", query: [:], page: page, total: total, pageSize: pageSize))
            """
        return .html(HTML.page("Review", user: context.user, csrf: context.csrf, body))
    }

    static func show(_ context: PageContext, id: Int?, error: String? = nil, status: Int = 200) throws -> ConsoleResponse {
        guard let schools = scope(context), let id, let attainment = try context.gateway.attainments(schools: schools, id: id).first else {
            return ConsoleApp.notFound
        }
        var taskFilter = TaskFilter()
        taskFilter.schools = schools
        let tasks = try context.gateway.tasks(taskFilter).filter { $0.subjectType == "attainment" && $0.subjectID == "\(id)" }
        let taskList = tasks.isEmpty ? "<p>No open task about it.</p>"
            : "<ul>" + tasks.map { "<li>\(HTML.escape($0.kind.rawValue)): \(HTML.escape($0.explanation))</li>" }.joined() + "</ul>"
        let decisions = ReviewDecision.allCases.map { decision in
            "<label><input type=\"radio\" name=\"decision\" value=\"\(decision.rawValue)\" required> \(decision.rawValue)</label>"
        }.joined(separator: " ")
        let methods = HTML.options(VerificationMethod.allCases.map { ($0.rawValue, HTML.words($0.rawValue)) })
        let message = error.map { "<p class=\"error\" role=\"alert\" id=\"review-error\">\(HTML.escape($0))</p>" } ?? ""
        let body = """
            <dl><dt>Student</dt><dd>\(HTML.escape(attainment.studentID)) (\(HTML.escape(attainment.school ?? "no school")))</dd>
            <dt>Credential</dt><dd>\(HTML.escape(attainment.credentialCode))</dd><dt>Earned</dt><dd>\(HTML.escape(attainment.earnedOn))</dd>
            <dt>Source</dt><dd>\(HTML.escape(attainment.source))</dd><dt>Certificate PDFs</dt><dd>\(attainment.pdfs)</dd>
            <dt>Review status</dt><dd>\(HTML.escape(attainment.reviewStatus.rawValue))</dd></dl>
            <h2>Open tasks</h2>\(taskList)
            \(message)<form method="post" action="/review/\(id)"><input type="hidden" name="csrf" value="\(HTML.escape(context.csrf))">
            <fieldset><legend>Decision</legend>\(decisions)</fieldset>
            <p><label for="method">Verification method</label> <select id="method" name="method" required>\(methods)</select></p>
            <p><label for="comment">Comment</label><br><input id="comment" name="comment"></p>
            <p><button type="submit">Record the review</button></p></form>
            """
        return .html(HTML.page("Attainment \(id)", user: context.user, csrf: context.csrf, body), status: status)
    }

    static func record(_ context: PageContext, id: Int?, form: [String: String]) throws -> ConsoleResponse {
        guard let schools = scope(context), let id, try !context.gateway.attainments(schools: schools, id: id).isEmpty else {
            return ConsoleApp.notFound
        }
        guard let decision = form["decision"].flatMap(ReviewDecision.init), let method = form["method"].flatMap(VerificationMethod.init)
        else { return try show(context, id: id, error: "Choose a decision and a verification method.", status: 400) }
        let comment = form["comment"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        do {
            _ = try context.gateway.review(attainment: id, decision: decision, method: method, comment: comment)
        } catch let error as CertGateError where error.code == .input {
            return try show(context, id: id, error: error.message, status: 400)
        }
        return .redirect("/review")
    }
}
