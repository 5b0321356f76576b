public import CertGateCore
import Foundation

/// An Excel workbook (.xlsx, Office Open XML) read for its cell values: the sheets by name, each
/// sheet's rows streamed one at a time as text (shared and inline strings resolved, numbers as
/// written, booleans as TRUE/FALSE, formulas by their last value). Dates are serial numbers in a
/// workbook; `date(serial:)` turns one into a calendar date by the workbook's date system.
public final class Workbook {
    public struct Sheet: Sendable {
        public let name: String
        let entry: String
    }

    public struct Limits: Sendable {
        /// Rows one sheet may have (a teacher's log has hundreds).
        public var rows = 100_000
        /// Columns a row may reach.
        public var columns = 512
        /// Inflated bytes of any one part of the workbook.
        public var partBytes = 64 << 20
        public init() {}
    }

    /// The file's name, for messages.
    public let name: String
    public let sheets: [Sheet]
    /// The 1904 date system (old Mac Excel): serial 0 is 1904-01-01, not 1899-12-31.
    public let uses1904Dates: Bool
    let limits: Limits
    private let archive: ZipArchive
    private let sharedStrings: [String]

    public convenience init(path: String, limits: Limits = Limits()) throws {
        var zipLimits = ZipArchive.Limits()
        zipLimits.entryBytes = limits.partBytes
        try self.init(archive: try ZipArchive(path: path, limits: zipLimits), limits: limits)
    }

    /// A workbook in memory; `name` is what messages call it.
    public convenience init(bytes: [UInt8], name: String, limits: Limits = Limits()) throws {
        var zipLimits = ZipArchive.Limits()
        zipLimits.entryBytes = limits.partBytes
        try self.init(archive: try ZipArchive(bytes: bytes, name: name, limits: zipLimits), limits: limits)
    }

    private init(archive: ZipArchive, limits: Limits) throws {
        self.archive = archive
        name = archive.name
        self.limits = limits
        guard archive.contains("xl/workbook.xml") else { throw SpreadsheetError(archive.name, "not an Excel workbook (no xl/workbook.xml)") }

        // Sheet names in order, with the relationship that says where each sheet is.
        var named: [(name: String, relationship: String)] = []
        var date1904 = false
        try XMLStream.walk(archive, "xl/workbook.xml") { event in
            if case .start(let element, let attributes, _) = event {
                if element == "sheet", let sheet = attributes["name"], let id = attributes["id"] { named.append((sheet, id)) }
                if element == "workbookPr" { date1904 = ["1", "true"].contains(attributes["date1904"] ?? "") }
            }
            return true
        }
        uses1904Dates = date1904
        var targets: [String: String] = [:]
        if archive.contains("xl/_rels/workbook.xml.rels") {
            try XMLStream.walk(archive, "xl/_rels/workbook.xml.rels") { event in
                if case .start("Relationship", let attributes, _) = event, let id = attributes["Id"], let target = attributes["Target"] {
                    targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                }
                return true
            }
        }
        sheets = try named.map { sheet in
            guard let entry = targets[sheet.relationship], archive.contains(entry) else {
                throw SpreadsheetError(archive.name, "sheet \"\(sheet.name)\" has no worksheet part")
            }
            return Sheet(name: sheet.name, entry: entry)
        }

        // Shared strings: each <si> is one string, its <t> runs joined.
        var strings: [String] = []
        if archive.contains("xl/sharedStrings.xml") {
            var current = "", inText = false, inPhonetic = false
            try XMLStream.walk(archive, "xl/sharedStrings.xml") { event in
                switch event {
                case .start("si", _, _): current = ""
                case .start("rPh", _, _): inPhonetic = true  // East Asian reading hints: not the text
                case .end("rPh"): inPhonetic = false
                case .start("t", _, _): inText = !inPhonetic
                case .end("t"): inText = false
                case .text(let text) where inText: current += text
                case .end("si"): strings.append(current)
                default: break
                }
                return true
            }
        }
        sharedStrings = strings
    }

    /// Each row of `sheet` in order, with its 1-based row number and its cells as text ("" for an
    /// empty cell); rows Excel left out (empty) are not handed over.
    public func rows(of sheet: Sheet, _ body: (_ row: Int, _ cells: [String]) throws -> Void) throws {
        var cells: [String] = []
        var rowNumber = 0, rowsRead = 0
        var column = 0, type = "", value = "", inValue = false, inInline = false
        try XMLStream.walk(archive, sheet.entry) { event in
            switch event {
            case .start("row", let attributes, _):
                rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
                rowsRead += 1
                guard rowsRead <= limits.rows else {
                    throw SpreadsheetError(name, "sheet \"\(sheet.name)\" has more than \(limits.rows) rows: refused (is it the right file?)")
                }
                cells = []
                column = 0
            case .start("c", let attributes, _):
                if let reference = attributes["r"], let index = Self.columnIndex(reference) { column = index }
                guard column < limits.columns else {
                    throw SpreadsheetError(name, "sheet \"\(sheet.name)\" row \(rowNumber): a cell beyond column \(limits.columns)")
                }
                type = attributes["t"] ?? "n"
                value = ""
            case .start("v", _, _): inValue = true
            case .end("v"): inValue = false
            case .start("is", _, _): inInline = true
            case .end("is"): inInline = false
            case .text(let text) where inValue || inInline: value += text
            case .end("c"):
                var text = value
                switch type {
                case "s":
                    guard let index = Int(value), sharedStrings.indices.contains(index) else {
                        throw SpreadsheetError(name, "sheet \"\(sheet.name)\" row \(rowNumber): a cell names a shared string that is not there")
                    }
                    text = sharedStrings[index]
                case "b": text = value == "1" ? "TRUE" : "FALSE"
                default: break
                }
                if cells.count < column { cells += Array(repeating: "", count: column - cells.count) }
                if cells.count == column { cells.append(text) } else { cells[column] = text }
                column += 1
            case .end("row"): try body(rowNumber, cells)
            default: break
            }
            return true
        }
    }

    /// The calendar date of a serial number (the day part; a time of day is dropped), by the
    /// workbook's date system. Excel's 1900 system counts a 29 February 1900 that never was, so
    /// its days from 1 March 1900 on are counted from 30 December 1899.
    public func date(serial: Double) -> CalendarDate? {
        guard serial.isFinite, serial >= 1, serial < 110_000 else { return nil }  // CalendarDate's years, 1900 to 2200
        let day = Int(serial.rounded(.down))
        if uses1904Dates { return CalendarDate(year: 1904, month: 1, day: 1)!.adding(days: day) }
        // Serial 1 is 1900-01-01; from 61 on (1 March 1900) one day less, for the day that never was.
        return CalendarDate(year: 1900, month: 1, day: 1)!.adding(days: day >= 61 ? day - 2 : day - 1)
    }

    /// `C12` → 2 (columns from 0).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0, letters = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 || letters > 3 ? nil : index - 1
    }
}
