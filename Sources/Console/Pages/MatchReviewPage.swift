import Foundation
import Gateway
import Matching

/// Match review for data clerks and coordinators: each undecided result beside its candidate
/// students, field by field, with the reason; link or reject in one click.
enum MatchReviewPage {
    /// Who decides which student a result belongs to.
    static func allowed(_ context: PageContext) -> Bool {
        context.user.role == .dataClerk || context.user.role == .cteCoordinator
    }

    static let pageSize = 100

    static func list(_ context: PageContext, query: [String: String]) throws -> ConsoleResponse {
        guard allowed(context) else { return ConsoleApp.notFound }
        let total = try context.gateway.reviewQueueCount()
        let page = HTML.pageNumber(query)
        let results = try context.gateway.reviewQueue(limit: pageSize, offset: (page - 1) * pageSize)
        let rows = results.map { result in
            """
            <tr><td data-label="Result"><a href="/matches/\(result.id)">Result \(result.id)</a></td><td data-label="Provider">\(HTML.escape(result.providerID))</td>
            <td data-label="Exam">\(HTML.escape(result.examCode))</td><td data-label="Date">\(HTML.escape(String(result.attemptedAt.prefix(10))))</td>
            <td data-label="Status">\(HTML.escape(result.matchStatus?.rawValue ?? "new"))</td><td data-label="Why">\(HTML.escape(result.matchReason ?? ""))</td></tr>
            """
        }.joined()
        let body = total == 0
            ? "<p>No result needs a person: every one is matched or decided.</p>"
            : """
            <table><caption>\(total) result(s) to decide\(total > pageSize ? ", \(pageSize) a page" : "")</caption><thead><tr><th scope="col">Result</th><th scope="col">Provider</th>
            <th scope="col">Exam</th><th scope="col">Date</th><th scope="col">Status</th><th scope="col">Why</th></tr></thead><tbody>\(rows)</tbody></table>
            \(HTML.pager("/matches", query: [:], page: page, total: total, pageSize: pageSize))
            """
        return .html(HTML.page("Match review", user: context.user, csrf: context.csrf, body))
    }

    static func show(_ context: PageContext, id: Int?) throws -> ConsoleResponse {
        guard allowed(context), let id, let item = try context.gateway.matchReview(id) else { return ConsoleApp.notFound }
        func cells(_ person: PersonDetails) -> String {
            [person.firstName, person.lastName, person.dateOfBirth, person.email, person.place]
                .map { "<td>\(HTML.escape($0 ?? "—"))</td>" }.joined()
        }
        func agreement(_ fields: FieldAgreement) -> String {
            [fields.firstName, fields.lastName, fields.dateOfBirth, fields.email, fields.school]
                .map { "<td class=\"agreement\">\(HTML.escape(HTML.words($0.rawValue)))</td>" }.joined()
        }
        let hidden = "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape(context.csrf))\">"
        var rows = "<tr><th scope=\"row\">Result \(item.result.id) (as the provider sent it)</th>\(cells(item.person))<td></td></tr>"
        for (candidate, student) in item.candidates {
            rows += """
                <tr><th scope="row">Student \(HTML.escape(candidate.studentID))<br>
                match probability \(String(format: "%.1f%%", candidate.probability * 100))</th>\(cells(student))
                <td><form method="post" action="/matches/\(item.result.id)/link">\(hidden)
                <input type="hidden" name="student" value="\(HTML.escape(candidate.studentID))">
                <button type="submit">\(HTML.escape(candidate.studentID)) is the student</button></form></td></tr>
                <tr class="agreement"><td>how each field agrees</td>\(agreement(candidate.fields))<td></td></tr>
                """
        }
        let body = """
            <p>\(HTML.escape(item.result.providerID)) \(HTML.escape(item.result.examCode)) on \(HTML.escape(String(item.result.attemptedAt.prefix(10)))):
            \(HTML.escape(item.result.matchReason ?? "a person must decide"))</p>
            <table><caption>The result beside each candidate</caption><thead><tr><th scope="col"></th><th scope="col">Given name</th>
            <th scope="col">Surname</th><th scope="col">Date of birth</th><th scope="col">Email</th><th scope="col">School or site</th>
            <th scope="col">Decide</th></tr></thead><tbody>\(rows)</tbody></table>
            <form method="post" action="/matches/\(item.result.id)/reject">\(hidden)
            <p><label for="comment">Why none of them (kept in the audit trail)</label><br><input id="comment" name="comment" required>
            <button type="submit">None of our students</button></p></form>
            """
        return .html(HTML.page("Result \(item.result.id)", user: context.user, csrf: context.csrf, body))
    }

    static func decide(_ context: PageContext, id: Int?, link: Bool, form: [String: String]) throws -> ConsoleResponse {
        guard allowed(context), let id, let item = try context.gateway.matchReview(id) else { return ConsoleApp.notFound }
        if link {
            // Only a student the page offered: a forged form cannot attach the result to anyone else.
            guard let student = form["student"], item.candidates.contains(where: { $0.candidate.studentID == student }) else {
                return ConsoleApp.notFound
            }
            _ = try context.gateway.linkResult(id, to: student, note: "linked in the console")
        } else {
            let comment = (form["comment"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !comment.isEmpty else {
                return .html(HTML.page("Reason needed", user: context.user, csrf: context.csrf,
                    "<p class=\"error\" role=\"alert\">Say why the result is none of our students. <a href=\"/matches/\(id)\">Back</a></p>"), status: 400)
            }
            try context.gateway.rejectResult(id, note: comment)
        }
        return .redirect("/matches")
    }
}
