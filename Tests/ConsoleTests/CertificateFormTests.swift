import CertGateCore
import Console
import Fetch
import Foundation
import Gateway
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// "Upload a certificate" and "Log a certificate" over real HTTP: multipart uploads streamed to
/// the spool and stored as evidence, claims that raise `evidence_missing` until a PDF backs them,
/// and every refusal (another teacher's student, an unaligned credential, a wrong PDF, no CSRF
/// token, signed out, too large) with its reason next to its field.
@Suite(.serialized) struct CertificateFormTests {
    typealias District = ConsoleTests.District

    static func upload(_ district: District, session: String?, fields: [String: String], pdf: String?) throws -> (status: Int, page: String) {
        var form = MultipartForm(fields: fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        if let pdf {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("mocks/certificates/\(pdf)"))))
            form.files.append(("certificate", pdf, "application/pdf", bytes))
        }
        let response = try district.client.send(
            form.request(to: district.base + "/certificates/upload", headers: session.map { [("Cookie", "certgate_session=\($0)")] } ?? []))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    /// Files left in the server's spool folder (none once requests end).
    static func spooled(_ district: District) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: district.server.spool)) ?? []
    }

    @Test func aTeacherUploadsACertificateForTheirStudent() throws {
        let district = try District()
        let rivera = try district.signIn("rivera")
        let csrf = try district.csrf(rivera)
        // The drop-downs: her students, then only credentials aligned with her courses of that student.
        let picker = district.page("/certificates/upload", session: rivera)
        #expect(picker.contains("value=\"S100100\"") && !picker.contains("value=\"S100102\""))
        let form = district.page("/certificates/upload?student=S100100", session: rivera)
        #expect(form.contains("value=\"MOS-EXCEL\"") && !form.contains("value=\"SERVSAFE-MANAGER\""), "Okafor's culinary course is not hers")

        let fields = ["csrf": csrf, "student": "S100100", "credential": "MOS-EXCEL", "earned": "2026-01-06", "verification": "wNMEx-2FNW"]
        let stored = try Self.upload(district, session: rivera, fields: fields, pdf: "ava-obrien-mos-excel.pdf")
        #expect(stored.status == 200 && stored.page.contains("stored as evidence"), "\(stored)")
        let evidence = try district.gateway.evidence(student: "S100100")
        #expect(evidence.count == 1 && evidence.first?.originalName == "ava-obrien-mos-excel.pdf" && evidence.first?.addedBy == "rivera")
        // The same file again changes nothing; the spool is empty after each request.
        #expect(try Self.upload(district, session: rivera, fields: fields, pdf: "ava-obrien-mos-excel.pdf").page.contains("already stored"))
        #expect(try district.gateway.evidence(student: "S100100").count == 1)
        #expect(Self.spooled(district).isEmpty)
    }

    @Test func uploadMistakesAreShownNextToTheirFields() throws {
        let district = try District()
        let rivera = try district.signIn("rivera")
        let csrf = try district.csrf(rivera)
        var fields = ["csrf": csrf, "student": "S100100", "credential": "SERVSAFE-MANAGER", "earned": "2026-13-45"]
        let wrong = try Self.upload(district, session: rivera, fields: fields, pdf: nil)
        #expect(wrong.status == 400)
        #expect(wrong.page.contains("id=\"error-credential\"") && wrong.page.contains("id=\"error-earned\"") && wrong.page.contains("id=\"error-certificate\""))
        #expect(wrong.page.contains("aria-describedby=\"hint-credential error-credential\""))

        fields["credential"] = "MOS-EXCEL"
        fields["earned"] = "2026-01-06"
        let truncated = try Self.upload(district, session: rivera, fields: fields, pdf: "truncated-certificate.pdf")
        #expect(truncated.status == 400 && truncated.page.contains("id=\"error-certificate\"") && truncated.page.contains("rejected"))
        #expect(truncated.page.contains("value=\"2026-01-06\""), "what was typed stays")
        #expect(try district.gateway.evidence(student: "S100100").isEmpty)

        // Another teacher's student, no CSRF token, signed out, an auditor: refused, nothing stored.
        fields["student"] = "S100102"
        #expect(try Self.upload(district, session: rivera, fields: fields, pdf: "ava-obrien-mos-excel.pdf").status == 404)
        fields["student"] = "S100100"
        fields["csrf"] = String(repeating: "0", count: 64)
        #expect(try Self.upload(district, session: rivera, fields: fields, pdf: "ava-obrien-mos-excel.pdf").status == 403)
        #expect(try Self.upload(district, session: nil, fields: fields, pdf: "ava-obrien-mos-excel.pdf").status == 403)
        let auditor = try district.signIn("audit")
        fields["csrf"] = try district.csrf(auditor)
        #expect(try Self.upload(district, session: auditor, fields: fields, pdf: "ava-obrien-mos-excel.pdf").status == 403)
        #expect(district.send(.get, "/certificates/upload", session: auditor).status == 404)
        #expect(try district.gateway.evidence(student: "S100100").isEmpty)
        #expect(Self.spooled(district).isEmpty)
    }

    /// A 1 GiB upload is answered 413 from its headers: the server reads none of the body.
    @Test func aHugeUploadIsRefusedBeforeItsBodyIsRead() throws {
        let district = try District()
        let rivera = try district.signIn("rivera")
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = district.server.port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        let request = "POST /certificates/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: certgate_session=\(rivera)\r\n"
            + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: \(1 << 30)\r\n\r\n--x\r\n"
        _ = request.withCString { send(descriptor, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let count = recv(descriptor, &buffer, buffer.count, 0)
        let answer = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(80))")
        #expect(Self.spooled(district).isEmpty)
    }

    @Test func aTeachersClaimWaitsForEvidence() throws {
        let district = try District()
        let rivera = try district.signIn("rivera")
        let csrf = try district.csrf(rivera)
        #expect(district.page("/certificates/log?student=S100100", session: rivera).contains("value=\"COMPTIA-ITF\""))
        var claim = ["csrf": csrf, "student": "S100100", "credential": "COMPTIA-ITF", "exam_date": "2026-01-27", "outcome": "pass", "proctor": ""]
        let missing = district.send(.post, "/certificates/log", form: claim, session: rivera)
        #expect(missing.status == 400 && String(decoding: missing.body, as: UTF8.self).contains("id=\"error-proctor\""))
        claim["proctor"] = "Lopez, Maria"
        let logged = district.send(.post, "/certificates/log", form: claim, session: rivera)
        #expect(logged.status == 200, "\(String(decoding: logged.body, as: UTF8.self))")
        // Logging it again updates the one claim.
        #expect(district.send(.post, "/certificates/log", form: claim, session: rivera).status == 200)
        let claims = try district.gateway.claims(student: "S100100")
        #expect(claims.count == 1 && claims.first?.teacher == "Rivera, Ana" && claims.first?.origin == .console)

        // No provider result and no PDF: evidence_missing, in Rivera's queue.
        var filter = TaskFilter(kind: .evidenceMissing)
        filter.student = "S100100"
        let task = try #require(try district.gateway.tasks(filter).first { $0.subjectType == "claim" })
        #expect(task.assigneeRole == .cteTeacher && task.explanation.contains("Rivera, Ana logged"))
        #expect(district.page("/tasks?kind=evidence_missing", session: rivera).contains("Claim \(claims[0].id):"))
        #expect(district.page("/tasks?kind=evidence_missing", session: try district.signIn("lead")).contains("Claim \(claims[0].id):"), "Central's lead")

        // A certificate PDF backs it: the task is resolved.
        let upload = ["csrf": csrf, "student": "S100100", "credential": "COMPTIA-ITF", "earned": "2026-01-27"]
        #expect(try CertificateFormTests.upload(district, session: rivera, fields: upload, pdf: "jean-luc-allen-comptia-itf.pdf").status == 200)
        #expect(try district.gateway.tasks(filter).first { $0.subjectType == "claim" } == nil)

        // Only teachers log; a teacher only for her students.
        #expect(district.send(.get, "/certificates/log", session: try district.signIn("coord")).status == 404)
        claim["student"] = "S100102"
        #expect(district.send(.post, "/certificates/log", form: claim, session: rivera).status == 404)
    }
}
