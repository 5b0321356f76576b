import Foundation
import Gateway

/// One student: enrollments, results, attainments, open tasks and the record's history, for
/// those who may see the student (anyone else gets 404).
enum StudentPage {
    static func render(_ context: PageContext, id: String) throws -> ConsoleResponse {
        guard let student = try context.gateway.student(id, visibleTo: context.user) else { return ConsoleApp.notFound }
        func table(_ caption: String, _ headings: [String], _ rows: [[String]]) -> String {
            "<h2>\(HTML.escape(caption))</h2>" + (rows.isEmpty ? "<p>None.</p>" : HTML.table(caption: nil, headings: headings, rows: rows))
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
        var actions: [String] = []
        if context.mayChange { actions.append("<a href=\"/certificates/upload?student=\(HTML.queryValue(id))\">Upload a certificate</a>") }
        if context.user.role == .cteTeacher { actions.append("<a href=\"/certificates/log?student=\(HTML.queryValue(id))\">Log a certificate</a>") }
        let claims = try context.gateway.claims(student: id).map {
            [$0.credentialCode, $0.examDate.description, $0.outcome.rawValue, $0.proctor ?? "", $0.teacher, $0.verifiedBy ?? "not yet"]
        }
        let evidence = try context.gateway.evidence(student: id)
        let evidenceRows = evidence.map { item in
            "<tr><td data-label=\"Certificate\"><a href=\"/evidence/\(item.id)\">\(HTML.escape(item.originalName))</a></td>"
                + "<td data-label=\"Credential\">\(HTML.escape(item.credentialCode))</td><td data-label=\"Text\">\(HTML.escape(item.textStatus ?? ""))</td>"
                + "<td data-label=\"Added\">\(HTML.escape(String(item.addedAt.prefix(10)))) by \(HTML.escape(item.addedBy))</td></tr>"
        }.joined()
        let evidenceTable = evidence.isEmpty ? "<h2>Certificates</h2><p>None.</p>" : """
            <h2>Certificates</h2><table><thead><tr><th scope="col">Certificate</th><th scope="col">Credential</th><th scope="col">Text</th>
            <th scope="col">Added</th></tr></thead><tbody>\(evidenceRows)</tbody></table>
            """
        let body = """
            \(actions.isEmpty ? "" : "<p>" + actions.joined(separator: " · ") + "</p>")
            <dl><dt>Student ID</dt><dd>\(HTML.escape(student.studentID))</dd><dt>School</dt><dd>\(HTML.escape(student.school ?? ""))</dd>
            <dt>Grade</dt><dd>\(HTML.escape(student.grade ?? ""))</dd><dt>CTE concentrator</dt><dd>\(student.concentrator ? "yes" : "no")</dd></dl>
            \(table("Enrollments", ["Year", "Course", "Name", "Teacher"], enrollments))
            \(table("Exam results", ["Provider", "Exam", "Date", "Outcome", "Match"], results))
            \(table("Attainments", ["Credential", "Earned", "Source", "Review", "PDFs"], attainments))
            \(evidenceTable)
            \(table("Teachers' claims", ["Credential", "Exam date", "Result", "Proctor", "Teacher", "Verified by"], claims))
            \(table("Open tasks", ["Kind", "Due", "What to do"], tasks))
            \(table("History of the student record", ["When", "Who", "What"], history))
            """
        return .html(HTML.page("\(student.firstName) \(student.lastName)", user: context.user, csrf: context.csrf, body))
    }

    /// A certificate's PDF, for those who may see its student (auditors too), as a download.
    static func evidence(_ context: PageContext, id: Int?) throws -> ConsoleResponse {
        guard let id, let item = try context.gateway.evidence(id: id),
            try context.gateway.student(item.studentID, visibleTo: context.user) != nil
        else { return ConsoleApp.notFound }
        let bytes = try context.gateway.downloadEvidence(item)
        return ConsoleResponse(
            status: 200,
            headers: [("Content-Type", "application/pdf"), ("Content-Disposition", "attachment; filename=\"evidence-\(item.id).pdf\"")],
            body: bytes)
    }
}
