import CXLSXWriter
public import CertGateCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes an .xlsx workbook through libxlsxwriter: sheets of text rows, the first row a bold
/// header with a filter, frozen under it, columns sized to their text. Every cell is written as
/// text, never as a formula, so a value beginning with `=` stays a value.
public enum WorkbookWriter {
    public struct Sheet: Sendable {
        public var name: String
        public var rows: [[String]]

        public init(name: String, rows: [[String]]) {
            self.name = name
            self.rows = rows
        }
    }

    /// The workbook's bytes (written in a private temporary folder, read back, removed).
    public static func bytes(_ sheets: [Sheet]) throws -> [UInt8] {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("certgate-xlsx-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CertGateError(.io, "cannot make a temporary folder for a workbook") }
        let folder = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = (folder as NSString).appendingPathComponent("report.xlsx")
        guard let workbook = workbook_new(path) else { throw CertGateError(.io, "libxlsxwriter cannot start a workbook") }
        let bold = workbook_add_format(workbook)
        format_set_bold(bold)
        var used: Set<String> = []
        for sheet in sheets {
            guard let worksheet = workbook_add_worksheet(workbook, sheetName(sheet.name, used: &used)) else { continue }
            var widths: [Double] = []
            for (rowIndex, row) in sheet.rows.enumerated() {
                for (column, value) in row.enumerated() {
                    worksheet_write_string(worksheet, lxw_row_t(rowIndex), lxw_col_t(column), value, rowIndex == 0 ? bold : nil)
                    if widths.count <= column { widths.append(8) }
                    widths[column] = min(60, max(widths[column], Double(value.count) + 2))
                }
            }
            for (column, width) in widths.enumerated() { worksheet_set_column(worksheet, lxw_col_t(column), lxw_col_t(column), width, nil) }
            if let header = sheet.rows.first, !header.isEmpty {
                worksheet_freeze_panes(worksheet, 1, 0)
                worksheet_autofilter(worksheet, 0, 0, lxw_row_t(max(sheet.rows.count - 1, 0)), lxw_col_t(header.count - 1))
            }
        }
        let status = workbook_close(workbook)
        guard status == LXW_NO_ERROR else {
            throw CertGateError(.io, "libxlsxwriter could not write the workbook: \(String(cString: lxw_strerror(status)))")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw CertGateError(.io, "the workbook written cannot be read back") }
        return [UInt8](data)
    }

    /// Excel's rules for a sheet name: at most 31 characters, none of `[]:*?/\`, unique.
    static func sheetName(_ name: String, used: inout Set<String>) -> String {
        var base = String(name.map { "[]:*?/\\".contains($0) ? "-" : $0 }.prefix(31))
        if base.isEmpty { base = "Sheet" }
        var candidate = base, number = 2
        while used.contains(candidate.lowercased()) {
            let suffix = " (\(number))"
            candidate = String(base.prefix(31 - suffix.count)) + suffix
            number += 1
        }
        used.insert(candidate.lowercased())
        return candidate
    }
}
