import Foundation
import ManualPDF
import TestSupport
import Testing

@Suite struct CertificatePDFTests {
    func sample(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("mocks/certificates/\(name)"))))
    }

    /// A minimal PDF, written here so each test can bend one thing.
    func pdf(catalog: String = "", content: String = "BT /F1 12 Tf 72 720 Td (Jean-Luc Allen) Tj ET", trailer: String = "")
        -> [UInt8]
    {
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R \(catalog)>>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
        ]
        for (index, body) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(index + 1) 0 obj\n\(body)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 5\n0000000000 65535 f \n" + offsets.map { String(format: "%010d 00000 n \n", $0) }.joined()
        out += "trailer\n<< /Size 5 /Root 1 0 R \(trailer)>>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(out.utf8)
    }

    @Test func compressedAndUncompressedCertificatesAreReadable() throws {
        let excel = try CertificatePDF(bytes: try sample("ava-obrien-mos-excel.pdf"), maximumSize: 1 << 20)
        #expect(excel.text.contains("Ava O'Brien"))
        #expect(excel.text.contains("wNMEx-2FNW"))
        let itf = try CertificatePDF(bytes: try sample("jean-luc-allen-comptia-itf.pdf"), maximumSize: 1 << 20)
        #expect(itf.text.contains("CompTIA IT Fundamentals+ (ITF+) certification"))
        #expect(itf.read(firstName: "Jean-Luc", lastName: "Allen", credentialName: "CompTIA IT Fundamentals+", examCodes: ["FC0-U61"],
            verificationCode: "COMP001022938") == .agrees)
    }

    @Test func readingNamesWhatDiffersWithoutQuotingIt() throws {
        let other = try CertificatePDF(bytes: try sample("wrong-name-comptia-itf.pdf"), maximumSize: 1 << 20)
        let reading = other.read(
            firstName: "Jean-Luc", lastName: "Allen", credentialName: "CompTIA A+", examCodes: ["220-1101"], verificationCode: "X-1")
        guard case .differs(let what) = reading else { Issue.record("expected a mismatch, got \(reading)"); return }
        #expect(what.count == 3)
        #expect(what.allSatisfy { !$0.contains("Ashford") && !$0.contains("Allen") })
    }

    @Test func aScanHasNoText() throws {
        let scan = try CertificatePDF(bytes: try sample("scanned-certificate.pdf"), maximumSize: 1 << 20)
        #expect(scan.read(firstName: "A", lastName: "B", credentialName: "C", examCodes: [], verificationCode: nil) == .noText)
    }

    @Test func escapesInStringsAndHexStrings() throws {
        let pdf = try CertificatePDF(
            bytes: pdf(content: "BT (Jos\\351 \\(Pepe\\) Garc\\355a) Tj T* <FEFF004C00E9006100200043> Tj [(Multi) -200 (ple)] TJ ET"),
            maximumSize: 1 << 20)
        #expect(pdf.text == "José (Pepe) García Léa C Multiple")
    }

    @Test(arguments: [
        ("javascript-certificate.pdf", "JavaScript"), ("truncated-certificate.pdf", "truncated"),
    ])
    func bundledBadCertificatesAreRefused(file: String, reason: String) throws {
        let error = try #require(throws: CertificatePDF.Rejection.self) {
            try CertificatePDF(bytes: try sample(file), maximumSize: 1 << 20)
        }
        #expect(error.description.contains(reason))
    }

    @Test func everyRejectionReason() {
        func rejection(_ bytes: [UInt8], limit: Int = 1 << 20) -> CertificatePDF.Rejection? {
            do {
                _ = try CertificatePDF(bytes: bytes, maximumSize: limit)
                return nil
            } catch { return error }
        }
        #expect(rejection([]) == .empty)
        #expect(rejection(Array("GIF89a not a pdf at all %%EOF".utf8)) == .notPDF)
        #expect(rejection(pdf(), limit: 100) == .tooLarge(size: pdf().count, limit: 100))
        #expect(rejection(Array(pdf().dropLast(7))) == .truncated)
        #expect(rejection(Array("%PDF-1.4\nnothing here\n%%EOF\n".utf8)) == .noStructure)
        #expect(rejection(pdf(trailer: "/Encrypt 9 0 R ")) == .encrypted)
        #expect(rejection(pdf(catalog: "/OpenAction << /S /Launch /F (calc.exe) >> ")) == .activeContent(["a launch action"]))
        #expect(rejection(pdf(catalog: "/Names << /EmbeddedFiles 7 0 R >> ")) == .activeContent(["an embedded file"]))
        // Names hidden with #xx escapes are found too.
        #expect(rejection(pdf(catalog: "/OpenAction << /S /J#61vaScript /JS (x) >> ")) == .activeContent(["JavaScript"]))
        #expect(rejection(pdf()) == nil)
    }

    @Test func aDamagedCrossReferenceWithReadableObjectsIsAccepted() throws {
        var bytes = pdf()
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "startxref\n", with: "startxref\n9")
        bytes = Array(text.utf8)
        _ = try CertificatePDF(bytes: bytes, maximumSize: 1 << 20)
    }
}
