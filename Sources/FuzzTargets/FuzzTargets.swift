import AdapterKit
import CertGateCore
import Certiport
import Fetch
import Foundation
import ManualPDF
import ServSafe
import Spreadsheet

/// The parsers that read untrusted bytes, each run over one input: what `make fuzz` drives with
/// libFuzzer, and what the regression test replays the committed corpus through. Errors are the
/// expected answer to bad input; a crash, a hang or a sanitizer report is a bug.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case csv, certiport, servsafe, pdf, xlsx

    static let certiportAdapter = try! CertiportAdapter(
        provider: ProviderSettings(id: "certiport", name: "fuzz", style: "certiport", baseURL: "http://127.0.0.1:1", timeZone: "America/New_York"))
    static let servSafeAdapter = try! ServSafeAdapter(
        provider: ProviderSettings(
            id: "servsafe", name: "fuzz", style: "servsafe", baseURL: "http://127.0.0.1:1",
            auth: AuthSettings(type: .oauth2ClientCredentials, userEnv: "A", secretEnv: "B"), timeZone: "America/Chicago"))

    /// Runs the parser over the bytes; returns how many records (or 1 for an accepted PDF) it read.
    @discardableResult
    public func run(_ bytes: [UInt8]) -> Int {
        var count = 0
        switch self {
        case .csv:
            let reader = CSVReader(bytes: bytes, name: "fuzz.csv")
            while let record = try? reader.next() { count += record.fields.count }
        case .certiport:
            let document = FeedDocument(bytes: bytes, feed: "fuzz", page: 1, fetchedAt: Date(timeIntervalSince1970: 0))
            try? Self.certiportAdapter.parse(document) { _ in count += 1 }
        case .servsafe:
            guard let documents = try? Self.servSafeAdapter.documents(fromExport: bytes, name: "fuzz.json", readAt: Date()) else { return 0 }
            for document in documents { try? Self.servSafeAdapter.parse(document) { _ in count += 1 } }
        case .xlsx:
            // Small limits: the fuzzer's memory is small, and the limits are what is under test.
            var limits = Workbook.Limits()
            limits.rows = 1000
            limits.partBytes = 4 << 20
            guard let workbook = try? Workbook(bytes: bytes, name: "fuzz.xlsx", limits: limits) else { return 0 }
            for sheet in workbook.sheets { try? workbook.rows(of: sheet) { _, cells in count += cells.count } }
        case .pdf:
            if let pdf = try? CertificatePDF(bytes: bytes, maximumSize: 1 << 20) {
                _ = pdf.read(firstName: "Ana", lastName: "Diaz", credentialName: "CompTIA A+", examCodes: ["220-1101"], verificationCode: "X")
                count = 1
            }
        }
        return count
    }
}
