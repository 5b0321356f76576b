/// Tells whether a JSON text stops before its outermost value is closed: what a report generator
/// that timed out and flushed sends, as opposed to a document that is complete but malformed.
public enum JSONCompleteness {
    /// The bytes' offset where the text stops inside an unclosed object, array or string; nil
    /// when every bracket opened is closed (the text may still be invalid in other ways).
    public static func cutOffAt(_ bytes: [UInt8]) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        var sawValue = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                sawValue = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                sawValue = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            default: break
            }
        }
        return sawValue && (depth > 0 || inString) ? bytes.count : nil
    }
}
