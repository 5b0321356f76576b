/// A CSV file read by header name: maps each wanted field to the column whose header is one of its
/// accepted names, compared case-insensitively and ignoring spaces, underscores and punctuation.
///
/// Unknown columns are ignored; a required field with no column, two columns for one field, and
/// a row whose column count differs from the header's are errors naming the file and line.
public final class CSVTable<Field: Hashable & Sendable> {
    /// One row with its fields looked up by name.
    public struct Row {
        public let line: Int
        let values: [String]
        let columns: [Field: Int]

        /// The trimmed value of a field; nil when the file has no such column or the value is empty.
        public subscript(_ field: Field) -> String? {
            guard let index = columns[field] else { return nil }
            let value = values[index].trimmingSpaces
            return value.isEmpty ? nil : String(value)
        }
    }

    public let name: String
    /// The header text of each mapped field, for error messages.
    public let headerNames: [Field: String]
    /// Headers that matched no field.
    public let ignoredHeaders: [String]
    private let reader: CSVReader
    private let columns: [Field: Int]
    /// The same, as an array: every row's mapped values are checked for control characters.
    private let mapped: [(Field, Int)]
    private let width: Int

    /// Reads the header line and maps it.
    /// - Parameters:
    ///   - aliases: for each field, the header names it may have.
    ///   - required: fields that must have a column.
    public init(reader: CSVReader, name: String, aliases: [Field: [String]], required: Set<Field>) throws {
        self.reader = reader
        self.name = name
        guard let header = try reader.next() else {
            throw InputError(InputLocation(file: name, line: 1), "the file is empty; expected a header line")
        }
        var lookup: [String: Field] = [:]
        for (field, names) in aliases {
            for alias in names { lookup[CSVTable.normalize(alias)] = field }
        }
        var columns: [Field: Int] = [:]
        var headerNames: [Field: String] = [:]
        var ignored: [String] = []
        for (index, title) in header.fields.enumerated() {
            guard let field = lookup[CSVTable.normalize(title)] else {
                ignored.append(title)
                continue
            }
            if let other = headerNames[field] {
                throw InputError(
                    InputLocation(file: name, line: header.line, field: title),
                    "columns '\(other)' and '\(title)' both mean the same field; remove one")
            }
            columns[field] = index
            headerNames[field] = title
        }
        let missing = required.filter { columns[$0] == nil }
        if let field = missing.first {
            let accepted = (aliases[field] ?? []).map { "'\($0)'" }.joined(separator: ", ")
            throw InputError(
                InputLocation(file: name, line: header.line),
                "no column for a required field; expected a header named one of \(accepted)")
        }
        self.columns = columns
        self.mapped = columns.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }
        self.headerNames = headerNames
        self.ignoredHeaders = ignored
        self.width = header.fields.count
    }

    /// The next row, or nil at the end.
    public func next() throws -> Row? {
        guard let record = try reader.next() else { return nil }
        if !record.terminated && record.fields.count < width {
            // A report generator that timed out flushes what it had: the rows after this one are lost.
            throw InputError(
                InputLocation(file: name, line: record.line),
                "the file looks cut off at line \(record.line): its last row has \(record.fields.count) of \(width) fields "
                    + "and no line end", isCutOff: true)
        }
        guard record.fields.count == width else {
            throw InputError(
                InputLocation(file: name, line: record.line),
                "the row has \(record.fields.count) fields but the header has \(width)")
        }
        for (field, index) in mapped {
            if let control = record.fields[index].firstControlCharacter() {
                throw InputError(
                    InputLocation(file: name, line: record.line, field: headerNames[field]),
                    "holds the control character \(control.codePointName); IDs, names and codes may not (a corrupt export?)")
            }
        }
        return Row(line: record.line, values: record.fields, columns: columns)
    }

    /// A location in this file for error messages.
    public func location(_ row: Row, _ field: Field) -> InputLocation {
        InputLocation(file: name, line: row.line, field: headerNames[field])
    }

    public static func normalize(_ header: String) -> String {
        String(header.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
    }
}
