import CertGateCore
import Foundation
import Gateway

/// "Upload a certificate" (a PDF, stored as `certgate evidence add` stores it) and "Log a
/// certificate" (a teacher's claim). Both pick one of the user's students first, then offer only
/// the credentials aligned with that student's CTE courses; errors stand next to their fields.
enum CertificatePages {
    enum Form: String {
        case upload, log

        var title: String { self == .upload ? "Upload a certificate" : "Log a certificate" }
        var path: String { "/certificates/\(rawValue)" }
    }

    /// Who may use a form: anyone but an auditor uploads; teachers (with their name in the
    /// enrollments) log.
    static func allowed(_ form: Form, _ context: PageContext) -> Bool {
        switch form {
        case .upload: return context.mayChange
        case .log: return context.user.role == .cteTeacher && context.user.teacherName != nil
        }
    }

    /// Field errors by field name, and what the user typed, shown again.
    struct Entry {
        var values: [String: String] = [:]
        var errors: [String: String] = [:]
    }

    static func show(_ context: PageContext, _ form: Form, query: [String: String], entry: Entry = Entry(), status: Int = 200) throws
        -> ConsoleResponse
    {
        guard allowed(form, context) else { return ConsoleApp.notFound }
        guard let id = (entry.values["student"] ?? query["student"]).flatMap({ $0.isEmpty ? nil : $0 }) else {
            return try pickStudent(context, form, error: nil)
        }
        guard let student = try context.gateway.student(id, visibleTo: context.user) else {
            return try pickStudent(context, form, error: "There is no student \(id) among your students.", status: 404)
        }
        let teacher = context.user.role == .cteTeacher ? context.user.teacherName : nil
        let credentials = try context.gateway.alignedCredentials(student, teacher: teacher)
        let intro = """
            <p>Student <a href="/students/\(HTML.queryValue(student.studentID))">\(HTML.escape(student.firstName)) \(HTML.escape(student.lastName))</a>
            (\(HTML.escape(student.studentID)), \(HTML.escape(student.school ?? "no school"))). <a href="\(form.path)">Choose another student</a>.</p>
            """
        guard !credentials.isEmpty else {
            return .html(HTML.page(form.title, user: context.user, csrf: context.csrf, intro + """
                <p>None of this student's CTE courses\(teacher == nil ? "" : " with you") is aligned with a credential in the catalog,
                so there is nothing to \(form == .upload ? "upload" : "log") for them. Ask the CTE coordinator if a course is missing from a credential.</p>
                """), status: status)
        }
        let chosen = entry.values["credential"] ?? query["credential"]
        let options = HTML.options([("", "Choose…")] + credentials.map { ($0.code, "\($0.name) (\($0.code))") }, selected: chosen)
        func field(_ name: String, _ label: String, _ control: String, hint: String? = nil) -> String {
            let error = entry.errors[name]
            let described = [hint.map { _ in "hint-\(name)" }, error.map { _ in "error-\(name)" }].compactMap { $0 }
            let attributes = (described.isEmpty ? "" : " aria-describedby=\"\(described.joined(separator: " "))\"")
                + (error == nil ? "" : " aria-invalid=\"true\"")
            return """
                <p><label for="\(name)">\(label)</label><br>\(control.replacingOccurrences(of: "$ATTRIBUTES", with: attributes))
                \(hint.map { "<br><span class=\"hint\" id=\"hint-\(name)\">\($0)</span>" } ?? "")
                \(error.map { "<br><span class=\"error\" id=\"error-\(name)\">\(HTML.escape($0))</span>" } ?? "")</p>
                """
        }
        let value = { (name: String) in HTML.escape(entry.values[name] ?? "") }
        var fields = field("credential", "Credential", "<select id=\"credential\" name=\"credential\" required$ATTRIBUTES>\(options)</select>",
            hint: "Only credentials aligned with the student's CTE courses are listed.")
        switch form {
        case .upload:
            fields += field("earned", "Date earned", "<input id=\"earned\" name=\"earned\" type=\"date\" required value=\"\(value("earned"))\"$ATTRIBUTES>")
            fields += field("verification", "Verification code (optional)",
                "<input id=\"verification\" name=\"verification\" value=\"\(value("verification"))\"$ATTRIBUTES>",
                hint: "The code printed on the certificate, if it has one.")
            fields += field("certificate", "Certificate PDF",
                "<input id=\"certificate\" name=\"certificate\" type=\"file\" accept=\"application/pdf,.pdf\" required$ATTRIBUTES>",
                hint: "A PDF of at most \(context.gateway.config.evidence.maxPDFBytes / (1 << 20)) MiB.")
        case .log:
            fields += field("exam_date", "Exam date", "<input id=\"exam_date\" name=\"exam_date\" type=\"date\" required value=\"\(value("exam_date"))\"$ATTRIBUTES>")
            let outcome = entry.values["outcome"] ?? "pass"
            fields += """
                <fieldset\(entry.errors["outcome"] == nil ? "" : " aria-describedby=\"error-outcome\"")><legend>Result</legend>
                <label><input type="radio" name="outcome" value="pass"\(outcome == "pass" ? " checked" : "")> Passed</label>
                <label><input type="radio" name="outcome" value="fail"\(outcome == "fail" ? " checked" : "")> Did not pass</label>
                \(entry.errors["outcome"].map { "<br><span class=\"error\" id=\"error-outcome\">\(HTML.escape($0))</span>" } ?? "")</fieldset>
                """
            fields += field("proctor", "Exam proctor", "<input id=\"proctor\" name=\"proctor\" required value=\"\(value("proctor"))\"$ATTRIBUTES>",
                hint: "Last, First: who proctored the exam.")
        }
        let general = entry.errors[""].map { "<p class=\"error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? ""
        let summary = entry.errors.isEmpty ? "" : "<p class=\"error\" role=\"alert\">Please correct the field(s) marked below.</p>"
        let body = """
            \(intro)\(general.isEmpty ? summary : general)
            <form method="post" action="\(form.path)"\(form == .upload ? " enctype=\"multipart/form-data\"" : "")>
            <input type="hidden" name="csrf" value="\(HTML.escape(context.csrf))"><input type="hidden" name="student" value="\(HTML.escape(student.studentID))">
            \(fields)
            <p><button type="submit">\(form == .upload ? "Upload the certificate" : "Log the certificate")</button></p></form>
            """
        return .html(HTML.page(form.title, user: context.user, csrf: context.csrf, body), status: status)
    }

    /// Step one: a teacher picks from their students; others type a student ID.
    private static func pickStudent(_ context: PageContext, _ form: Form, error: String?, status: Int = 200) throws -> ConsoleResponse {
        let message = error.map { "<span class=\"error\" id=\"error-student\">\(HTML.escape($0))</span><br>" } ?? ""
        let invalid = error == nil ? "" : " aria-invalid=\"true\" aria-describedby=\"error-student\""
        let control: String
        if context.user.role == .cteTeacher, let teacher = context.user.teacherName {
            let students = try context.gateway.students(teacher: teacher, schools: context.user.schools)
            guard !students.isEmpty else {
                return .html(HTML.page(form.title, user: context.user, csrf: context.csrf,
                    "<p>No student is enrolled in your courses yet (by the roster's Teacher column).</p>"), status: status)
            }
            control = "<select id=\"student\" name=\"student\" required\(invalid)>" + HTML.options([("", "Choose…")] + students.map { ($0.studentID, "\($0.name) (\($0.studentID))") }) + "</select>"
        } else {
            control = "<input id=\"student\" name=\"student\" required\(invalid)>"
        }
        let body = """
            <form method="get" action="\(form.path)"><p><label for="student">Student</label><br>\(message)\(control)</p>
            <p><button type="submit">Next</button></p></form>
            """
        return .html(HTML.page(form.title, user: context.user, csrf: context.csrf, body), status: status)
    }

    /// Checks the form and stores it; on a mistake, the form again with the errors by their fields.
    static func submit(_ context: PageContext, _ form: Form, request: ConsoleRequest) throws -> ConsoleResponse {
        guard allowed(form, context) else { return ConsoleApp.notFound }
        var entry = Entry(values: request.form)
        guard let id = request.form["student"], let student = try context.gateway.student(id, visibleTo: context.user) else {
            return ConsoleApp.notFound
        }
        let teacher = context.user.role == .cteTeacher ? context.user.teacherName : nil
        let aligned = try context.gateway.alignedCredentials(student, teacher: teacher)
        let credential = aligned.first { $0.code == request.form["credential"] }
        if credential == nil { entry.errors["credential"] = "Choose one of the credentials listed." }
        let dateField = form == .upload ? "earned" : "exam_date"
        let date = request.form[dateField].flatMap { CalendarDate(parsing: $0.trimmingCharacters(in: .whitespaces)) }
        if date == nil {
            entry.errors[dateField] = "Give the date as YYYY-MM-DD."
        } else if let date, date > CalendarDate.day() {
            entry.errors[dateField] = "The date is in the future."
        }
        switch form {
        case .upload:
            let file = request.files["certificate"]
            if file == nil || file?.size == 0 { entry.errors["certificate"] = "Choose the certificate's PDF file." }
            guard entry.errors.isEmpty, let credential, let file else { return try show(context, form, query: [:], entry: entry, status: 400) }
            let verification = request.form["verification"].map { $0.trimmingCharacters(in: .whitespaces) }
            do {
                let outcome = try context.gateway.addEvidence(
                    EvidenceUpload(
                        studentID: student.studentID, credentialCode: credential.code, path: file.path, earned: date,
                        verificationCode: verification?.isEmpty == false ? verification : nil, originalName: file.filename))
                return done(context, form, student, """
                    \(outcome.status == .duplicate ? "This certificate was already stored for this student and credential: nothing changed." : "The certificate is stored as evidence \(outcome.evidenceID).")
                    \(outcome.text == "differs" ? " Its text does not agree with the record in every respect: a task asks a person to look." : "")
                    \(outcome.text == "no_text" ? " It has no text to read (a scan?): a task asks a person to look." : "")
                    """)
            } catch let error as CertGateError where error.code == .input || error.code == .io {
                entry.errors["certificate"] = error.message
                return try show(context, form, query: [:], entry: entry, status: 400)
            }
        case .log:
            let outcome = request.form["outcome"].flatMap(ClaimOutcome.init)
            if outcome == nil { entry.errors["outcome"] = "Choose whether the student passed." }
            let proctor = (request.form["proctor"] ?? "").trimmingCharacters(in: .whitespaces)
            if proctor.isEmpty { entry.errors["proctor"] = "Give the proctor's name." }
            guard entry.errors.isEmpty, let credential, let date, let outcome, let teacher else {
                return try show(context, form, query: [:], entry: entry, status: 400)
            }
            do {
                let claim = try context.gateway.logClaim(
                    ClaimEntry(
                        studentID: student.studentID, credentialCode: credential.code, examDate: date, outcome: outcome, proctor: proctor,
                        teacher: teacher, origin: .console))
                return done(context, form, student, "Logged as claim \(claim.id). "
                    + (outcome == .pass ? "If no provider result or certificate PDF backs it, a task asks you to upload the certificate." : ""))
            } catch let error as CertGateError where error.code == .input {
                entry.errors[""] = error.message
                return try show(context, form, query: [:], entry: entry, status: 400)
            }
        }
    }

    private static func done(_ context: PageContext, _ form: Form, _ student: StudentDetails, _ message: String) -> ConsoleResponse {
        .html(HTML.page(form.title, user: context.user, csrf: context.csrf, """
            <p role="status">\(HTML.escape(message.trimmingCharacters(in: .whitespacesAndNewlines)))</p>
            <p><a href="/students/\(HTML.queryValue(student.studentID))">Back to the student</a> ·
            <a href="\(form.path)?student=\(HTML.queryValue(student.studentID))">\(form == .upload ? "Upload another" : "Log another") for this student</a></p>
            """))
    }
}
