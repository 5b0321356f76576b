import CertGateCore
import Foundation
import Spreadsheet
import TestSupport
import Testing

/// The .xlsx reader on workbooks made as Excel makes them (`mocks/teacher-logs/make_logs.py`) and
/// on hostile ones it must refuse without exhausting memory.
@Suite struct WorkbookTests {
    @Test func readsSheetsSharedStringsDatesAndMergedTitles() throws {
        let workbook = try Workbook(path: Fixtures.path("mocks/teacher-logs/rivera-2025-26.xlsx"))
        #expect(workbook.sheets.map(\.name) == ["Microsoft Office", "Other certifications"])
        var rows: [(Int, [String])] = []
        try workbook.rows(of: workbook.sheets[0]) { rows.append(($0, $1)) }
        // The merged title, a blank row, the headers, four rows, two styled empty rows.
        #expect(rows.count == 9)
        #expect(rows[0].1.first == "Industry Certification Log 2025-26: Rivera, Ana")
        #expect(rows[2].1 == ["State Student Number", "Student Name", "Certificate or Component Earned", "Exam Date", "Exam Proctor",
            "CTE Course Teacher", "Course Name"])
        #expect(rows[3].1[0] == "FL001000000000" && rows[3].1[1] == "Ava O'Brien")
        let serial = try #require(Double(rows[3].1[3]))
        #expect(workbook.date(serial: serial) == CalendarDate(year: 2026, month: 1, day: 6))
        #expect(rows[8].1.allSatisfy { $0.isEmpty })
        // Excel's 1900 system: serial 60 is the 29 February 1900 that never was; 61 is 1 March.
        #expect(workbook.date(serial: 1) == CalendarDate(year: 1900, month: 1, day: 1))
        #expect(workbook.date(serial: 61) == CalendarDate(year: 1900, month: 3, day: 1))
        #expect(workbook.date(serial: 45_658.75) == CalendarDate(year: 2025, month: 1, day: 1))
        #expect(workbook.date(serial: -3) == nil)
    }

    @Test(arguments: [
        ("zip-bomb.xlsx", "zip bomb"), ("entity-expansion.xlsx", "entit"), ("external-entity.xlsx", "DTD"),
        ("million-rows.xlsx", "more than 100000 rows"), ("not-a-workbook.xlsx", "not a zip file"),
    ])
    func hostileWorkbooksAreRefused(file: String, reason: String) throws {
        let path = Fixtures.testFile("spreadsheets/\(file)")
        let error = #expect(throws: SpreadsheetError.self) {
            let workbook = try Workbook(path: path)
            for sheet in workbook.sheets { try workbook.rows(of: sheet) { _, _ in } }
        }
        #expect(error?.description.contains(reason) == true, "\(file): \(error?.description ?? "no error")")
        #expect(error?.description.hasPrefix(file) == true)
    }
}

/// Reports written through libxlsxwriter, read back through the reader.
@Suite struct WorkbookWriterTests {
    @Test func writtenSheetsReadBackAsText() throws {
        let bytes = try WorkbookWriter.bytes([
            .init(name: "Claims", rows: [["Teacher", "Detail"], ["Rivera, Ana", "=HYPERLINK(\"http://evil.example\")"], ["Chen, Wei", "-12"]]),
            .init(name: "Claims", rows: [["Again"]]),
            .init(name: "A name with [brackets] that is far too long for Excel", rows: []),
        ])
        let workbook = try Workbook(bytes: bytes, name: "report.xlsx")
        #expect(workbook.sheets.map(\.name) == ["Claims", "Claims (2)", "A name with -brackets- that is "])
        var rows: [[String]] = []
        try workbook.rows(of: workbook.sheets[0]) { _, cells in rows.append(cells) }
        // A value that looks like a formula is stored as text: it stays the text it was.
        #expect(rows == [["Teacher", "Detail"], ["Rivera, Ana", "=HYPERLINK(\"http://evil.example\")"], ["Chen, Wei", "-12"]])
    }
}
