import CertGateCore
import Foundation

/// How results are printed.
enum OutputFormat: String {
    /// Aligned text for people.
    case table
    /// One JSON document with stable snake_case field names, for scripts.
    case json
    /// RFC 4180 CSV with a header line, for spreadsheets.
    case csv
}

/// Rows of named values that print as a table, JSON or CSV.
struct Output {
    var columns: [String]
    var rows: [[String]]

    /// Prints rows in the chosen format (JSON uses `json` when given, rows otherwise).
    func render(_ format: OutputFormat, json: (any Encodable)? = nil) -> String {
        switch format {
        case .table: return table()
        case .csv: return csv()
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            if let json, let data = try? encoder.encode(json) { return String(decoding: data, as: UTF8.self) }
            let objects = rows.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
            return String(decoding: (try? encoder.encode(objects)) ?? Data(), as: UTF8.self)
        }
    }

    /// One value as a JSON document, for commands whose output is not rows.
    static func json(_ value: any Encodable) -> String {
        Output(columns: [], rows: []).render(.json, json: value)
    }

    func table() -> String {
        // Data cannot forge lines or send terminal commands: control characters print escaped.
        let rows = rows.map { $0.map(\.escapingControlCharacters) }
        let widths = columns.indices.map { column in
            ([columns[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(columns), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
            .joined(separator: "\n")
    }

    func csv() -> String {
        ([columns] + rows).map { $0.map(CSVWriter.cell).joined(separator: ",") }.joined(separator: "\r\n")
    }
}
