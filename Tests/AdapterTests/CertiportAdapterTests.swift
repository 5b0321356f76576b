import AdapterKit
import CertGateCore
import Certiport
import Foundation
import Testing

@Suite struct CertiportAdapterTests {
    static let provider = ProviderSettings(
        id: "certiport", name: "Certiport", style: "certiport", baseURL: "http://127.0.0.1:1", timeZone: "America/New_York",
        columns: ["exam_date": ["Date Taken"]])

    func parse(_ csv: String, provider: ProviderSettings = provider, contentType: String? = "text/csv") throws -> [ParsedRecord] {
        let adapter = try CertiportAdapter(provider: provider)
        var records: [ParsedRecord] = []
        let document = FeedDocument(
            bytes: Array(csv.utf8), feed: "http://127.0.0.1:1/exam-results", page: 2, fetchedAt: Date(), contentType: contentType)
        try adapter.parse(document) { records.append($0) }
        return records
    }

    func results(_ records: [ParsedRecord]) -> [CanonicalResult] {
        records.compactMap { if case .result(let result) = $0 { result } else { nil } }
    }

    func rejected(_ records: [ParsedRecord]) -> [RejectedRecord] {
        records.compactMap { if case .rejected(let record) = $0 { record } else { nil } }
    }

    @Test func columnsByNameInAnyOrderWithTheTimeZoneAndPassingScoreOfTheRow() throws {
        let records = try parse(
            "Result,Passing Score,Score,Unknown,Exam Code,Candidate ID,Date Taken,Last Name,First Name,Date of Birth\r\n"
                + "Pass,680,701,x,MO-200,c1,07/01/2026 01:05 PM,\"Smith, Jr.\",Sofia,02/14/2008\r\n")
        let result = try #require(results(records).first)
        #expect(result.passingScore == 680)
        #expect(result.score == 701)
        #expect(result.outcome == .pass)
        #expect(result.candidate.lastName == "Smith, Jr.")
        #expect(result.candidate.dateOfBirth?.description == "2008-02-14")
        // 1:05 PM in New York in July is 17:05 UTC (daylight saving time).
        #expect(result.attemptedAt == ISO8601DateFormatter().date(from: "2026-07-01T17:05:00Z"))
        #expect(result.recordKey == "c1|MO-200|2026-07-01T13:05:00-04:00")
        #expect(result.source.page == 2)
        #expect(result.source.record == 2)
    }

    @Test func isoDatesWithAndWithoutOffset() throws {
        let records = try parse(
            "Candidate ID,Exam Code,Exam Date,Result\nc1,MO-100,2026-01-20T10:00:00-06:00,Fail\nc2,MO-100,2026-01-20 10:00,Pass\n")
        let found = results(records)
        #expect(found[0].attemptedAt == ISO8601DateFormatter().date(from: "2026-01-20T16:00:00Z"))
        #expect(found[1].attemptedAt == ISO8601DateFormatter().date(from: "2026-01-20T15:00:00Z"))
        #expect(found[0].passingScore == nil)  // never assumed
    }

    @Test func badRowsAreRejectedWithTheirLineAndTheRestStored() throws {
        let records = try parse(
            "Candidate ID,Exam Code,Exam Date,Result,Score\n"
                + "c1,MO-100,01/06/2026 09:00 AM,Pass,700\n"
                + "c2,MO-100,13/45/2026 09:00 AM,Pass,700\n"
                + ",MO-100,01/06/2026 09:00 AM,Pass,700\n"
                + "c4,MO-100,01/06/2026 09:00 AM,Absent,700\n"
                + "c5,MO-100,01/06/2026 09:00 AM,Pass,seven hundred\n"
                + "c6,MO-100\n"
                + "c7,MO-100,01/06/2026 09:00 AM,Fail,650\n")
        #expect(results(records).map(\.candidate.candidateID) == ["c1", "c7"])
        let bad = rejected(records)
        #expect(bad.map(\.source.record) == [3, 4, 5, 6, 7])
        #expect(bad[0].reason.contains("field 'Exam Date': '13/45/2026 09:00 AM' is not a date and time"))
        #expect(bad[1].reason.contains("field 'Candidate ID': a value is required"))
        #expect(bad[2].reason.contains("'Absent' is neither Pass nor Fail"))
        #expect(bad[3].reason.contains("'seven hundred' is not a number"))
        #expect(bad[4].reason.contains("the row has 2 fields but the header has 5"))
        #expect(Set(bad.map(\.rawHash)).count == 5)
    }

    @Test func mistypedDateOfBirthKeepsTheRow() throws {
        let records = try parse("Candidate ID,Exam Code,Exam Date,Result,Date of Birth\nc1,MO-100,01/06/2026 09:00 AM,Pass,9/41/2008\n")
        #expect(results(records).first?.candidate.dateOfBirth == nil)
    }

    @Test func htmlInsteadOfCSVFailsTheFeed() throws {
        #expect(throws: FeedError.self) { try parse("<!DOCTYPE html><html><body>Sign in</body></html>", contentType: nil) }
        #expect(throws: FeedError.self) { try parse("Candidate ID\n", contentType: "text/html; charset=utf-8") }
    }

    @Test func missingRequiredColumnFailsTheFeed() throws {
        let error = try #require(throws: FeedError.self) { try parse("Candidate ID,Exam Date,Result\nc1,01/06/2026,Pass\n") }
        #expect(error.description.contains("'Exam Code'"))
    }

    @Test func truncatedFeedFailsTheFeed() throws {
        let error = try #require(throws: FeedError.self) {
            try parse("Candidate ID,Exam Code,Exam Date,Result\nc1,MO-100,01/06/2026 09:00 AM,\"Pa")
        }
        #expect(error.description.contains("looks cut off at line 2"))
    }

    @Test func unknownConfiguredColumnOrTimeZoneIsAConfigurationError() {
        var provider = Self.provider
        provider.columns = ["exam_dat": ["Date"]]
        #expect { try CertiportAdapter(provider: provider) } throws: { "\($0)".contains("unknown column 'exam_dat'") }
        provider.columns = [:]
        provider.timeZone = "Mars/Olympus"
        #expect { try CertiportAdapter(provider: provider) } throws: { "\($0)".contains("unknown time zone") }
    }

    @Test func pseudonymizedReportKeepsItsShapeAndConsistency() throws {
        let adapter = try CertiportAdapter(provider: Self.provider)
        let csv = "Candidate ID,First Name,Last Name,Date of Birth,Email,Exam Code,Exam Date,Result\r\n"
            + "aobrien08,Ava,O'Brien,07/21/2008,ava@x.org,MO-200,01/06/2026 09:15 AM,Fail\r\n"
            + "aobrien08,Ava,O'Brien,07/21/2008,ava@x.org,MO-200,01/16/2026 09:15 AM,Pass\r\n"
        let fake = String(
            decoding: try adapter.pseudonymize(Array(csv.utf8), path: "/exam-results", using: Pseudonymizer(salt: "s")), as: UTF8.self)
        for real in ["aobrien08", "Ava", "O'Brien", "07/21/2008", "ava@x.org"] { #expect(!fake.contains(real)) }
        let lines = fake.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(lines[1][0...4] == lines[2][0...4])  // the same person twice is the same fake person
        #expect(lines[1][5...] == ["MO-200", "01/06/2026 09:15 AM", "Fail"])
        #expect(CalendarDate(parsing: String(lines[1][3]))?.year == 2008)
    }
}
