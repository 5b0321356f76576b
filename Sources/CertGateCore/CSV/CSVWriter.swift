/// Writes RFC 4180 CSV: fields quoted only when they hold a comma, a quote or a line break.
///
/// Every CSV a person may open in a spreadsheet (exports, the evidence index, `--format csv`
/// listings) goes through `line`/`cell`, which neutralize formulas: a value from a provider, a
/// roster or a staff member beginning with `=`, `+`, `-`, `@`, a tab or a carriage return would
/// run as a formula in Excel (`=cmd|' /C calc'!A0`), so the cell gets a leading `'` (OWASP's
/// rule). Plain numbers such as `-12.5` are left as they are. Stored data never changes; only
/// the written cell does.
public enum CSVWriter {
    /// One record for a spreadsheet, with its CRLF line end.
    public static func line(_ fields: [String]) -> String {
        fields.map(cell).joined(separator: ",") + "\r\n"
    }

    /// One field for a spreadsheet: formulas neutralized, then quoted as needed.
    public static func cell(_ field: String) -> String {
        quote(neutralized(field))
    }

    /// One record of a feed body that only programs read (recorded cassettes, benchmark reports):
    /// the values exactly as they are.
    public static func dataLine(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    /// The value with a leading `'` when a spreadsheet would read it as a formula.
    public static func neutralized(_ field: String) -> String {
        guard let first = field.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains(first)
        else { return field }
        if Double(field) != nil, field.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }) {
            return field
        }
        return "'" + field
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacing("\"", with: "\"\"") + "\""
    }
}
