/// Compact JSON text with sorted keys, written directly.
///
/// Audit events and match details are written hundreds of thousands of times in one import;
/// Foundation's `JSONSerialization` and `JSONEncoder` (bridging, dynamic casts, locale-aware key
/// sorting) were the largest cost of a 1,000,000-row import, so these small values are written here.
public enum JSONText {
    /// One JSON value.
    public enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        case integer(Int64)
        /// Written as null when not finite (JSON has no NaN or infinity).
        case number(Double)
        case string(String)
        /// Text that is already JSON (a nested object or array written with this type).
        case json(String)
    }

    /// `{"a":1,"b":"x"}` with members in key order (keys compared by their UTF-8 bytes).
    public static func object(_ members: [(String, Value)]) -> String {
        var text = "{"
        let inOrder = zip(members, members.dropFirst()).allSatisfy { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        let sorted = inOrder ? members : members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        for (index, (key, value)) in sorted.enumerated() {
            if index > 0 { text += "," }
            append(string: key, to: &text)
            text += ":"
            append(value, to: &text)
        }
        return text + "}"
    }

    /// `[…]` of the values in order.
    public static func array(_ values: [Value]) -> String {
        var text = "["
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            append(value, to: &text)
        }
        return text + "]"
    }

    private static func append(_ value: Value, to text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .integer(let number): text += String(number)
        case .number(let number): text += number.isFinite ? "\(number)" : "null"
        case .string(let string): append(string: string, to: &text)
        case .json(let json): text += json
        }
    }

    /// A string as a JSON string literal, quoted and escaped.
    public static func quoted(_ string: String) -> String {
        var text = ""
        append(string: string, to: &text)
        return text
    }

    private static func append(string: String, to text: inout String) {
        text += "\""
        // Most values need no escaping: copy them whole.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            text += string + "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
