/// Control characters in identifiers and names.
///
/// A roster holding `S3` and `S3<NUL>X` would import two students that print, export and list
/// as the same one; an ESC or a line break in a name could forge lines or terminal commands in
/// table output. Inputs refuse them (`firstControlCharacter`) and table output escapes them
/// (`escapingControlCharacters`).
extension StringProtocol {
    /// The first C0 control (U+0000–U+001F), DEL or C1 control (U+0080–U+009F), if any.
    /// - Parameter allowingLineBreaks: also accept tab, line feed and carriage return (free text
    ///   such as a note).
    public func firstControlCharacter(allowingLineBreaks: Bool = false) -> Unicode.Scalar? {
        // Most text has none: scan the bytes first (C1 controls are encoded C2 80 … C2 9F).
        guard utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else { return nil }
        return unicodeScalars.first { scalar in
            let value = scalar.value
            if allowingLineBreaks && (value == 0x09 || value == 0x0A || value == 0x0D) { return false }
            return value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value)
        }
    }

    /// The text with each control character shown as `\u{…}` (`\n`, `\t` as such), so it prints
    /// on one line and sends nothing to the terminal.
    public var escapingControlCharacters: String {
        guard firstControlCharacter() != nil else { return String(self) }
        var text = ""
        for scalar in unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x0A: text += "\\n"
            case 0x0D: text += "\\r"
            case 0x09: text += "\\t"
            case 0..<0x20, 0x7F, 0x80...0x9F: text += "\\u{\(String(value, radix: 16, uppercase: true))}"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}

extension Unicode.Scalar {
    /// `U+001B`.
    public var codePointName: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
