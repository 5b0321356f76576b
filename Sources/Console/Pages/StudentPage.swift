import Foundation
import Gateway

/// One student: enrollments, results, attainments, open tasks and the record's history, for
/// those who may see the student (anyone else gets 404).
enum StudentPage {
    static func render(_ context: PageContext, id: String) throws -> ConsoleResponse {
        guard let student = try context.gateway.student(id, visibleTo: context.user) else { return ConsoleApp.notFound }
        func table(_ caption: String, _ headings: [String], _ rows: [[String]]) -> String {
            guard !rows.isEmpty else { return "<h2>\(HTML.escape(caption))</h2><p>None.</p>" }
            let head = headings.map { "<th scope=\"col\">\(HTML.escape($0))</th>" }.joined()
            let body = rows.map { row in
                "<tr>" + zip(headings, row).map { "<td data-label=\"\(HTML.escape($0))\">\(HTML.escape($1))</td>" }.joined() + "</tr>"
            }.joined()
            return "<h2>\(HTML.escape(caption))</h2><table><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>"
        }
        let enrollments = student.enrollments.map { [$0.schoolYear, $0.course, $0.courseName ?? "", $0.teacher ?? ""] }
        let results = try context.gateway.results(student: id).sorted { $0.attemptedAt > $1.attemptedAt }.map {
            [$0.providerID, $0.examCode, String($0.attemptedAt.prefix(10)), $0.outcome, $0.matchStatus?.rawValue ?? ""]
        }
        let attainments = try context.gateway.attainments(student: id).map {
            [$0.credentialCode, $0.earnedOn, $0.source, $0.reviewStatus.rawValue, "\($0.pdfs)"]
        }
        var filter = TaskFilter()
        filter.student = id
        let tasks = try context.gateway.tasks(filter).map { [$0.kind.rawValue, $0.dueOn ?? "", $0.explanation] }
        let history = try context.gateway.auditHistory(subjectType: "student", subjectID: id).map { [$0.at, $0.actor, $0.action] }
        let body = """
            <dl><dt>Student ID</dt><dd>\(HTML.escape(student.studentID))</dd><dt>School</dt><dd>\(HTML.escape(student.school ?? ""))</dd>
            <dt>Grade</dt><dd>\(HTML.escape(student.grade ?? ""))</dd><dt>CTE concentrator</dt><dd>\(student.concentrator ? "yes" : "no")</dd></dl>
            \(table("Enrollments", ["Year", "Course", "Name", "Teacher"], enrollments))
            \(table("Exam results", ["Provider", "Exam", "Date", "Outcome", "Match"], results))
            \(table("Attainments", ["Credential", "Earned", "Source", "Review", "PDFs"], attainments))
            \(table("Open tasks", ["Kind", "Due", "What to do"], tasks))
            \(table("History of the student record", ["When", "Who", "What"], history))
            """
        return .html(HTML.page("\(student.firstName) \(student.lastName)", user: context.user, csrf: context.csrf, body))
    }
}
