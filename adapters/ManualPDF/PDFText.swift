/// The text of a PDF's content streams: the strings shown by the text operators `Tj`, `TJ`, `'`
/// and `"`, in order. Works for text-based PDFs with standard fonts (generated certificates);
/// a scan has no such text.
enum PDFText {
    static func extract(from content: [UInt8]) -> String {
        var pieces: [String] = []
        var pending: [String] = []
        var index = 0
        let count = content.count
        while index < count {
            let byte = content[index]
            switch byte {
            case UInt8(ascii: "("):
                let (text, next) = literal(content, from: index + 1)
                pending.append(text)
                index = next
            case UInt8(ascii: "<") where index + 1 < count && content[index + 1] != UInt8(ascii: "<"):
                let (text, next) = hex(content, from: index + 1)
                pending.append(text)
                index = next
            case UInt8(ascii: "%"):
                while index < count && content[index] != 10 && content[index] != 13 { index += 1 }
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "'"), UInt8(ascii: "\""):
                var end = index
                while end < count, (content[end] >= 65 && content[end] <= 122) || content[end] == 42 || content[end] == 39 || content[end] == 34 {
                    end += 1
                }
                let op = String(decoding: content[index..<end], as: UTF8.self)
                if ["Tj", "TJ", "'", "\""].contains(op) {
                    pieces.append(pending.joined())
                } else if ["Td", "TD", "T*", "ET", "Tm"].contains(op) {
                    pieces.append(" ")
                }
                if ["Tj", "TJ", "'", "\"", "BT", "ET"].contains(op) { pending.removeAll() }
                index = max(end, index + 1)
            default:
                index += 1
            }
        }
        return pieces.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A `( … )` string with escapes and balanced parentheses.
    private static func literal(_ data: [UInt8], from start: Int) -> (String, Int) {
        var bytes: [UInt8] = []
        var depth = 1
        var index = start
        while index < data.count {
            let byte = data[index]
            if byte == UInt8(ascii: "\\"), index + 1 < data.count {
                let next = data[index + 1]
                index += 2
                switch next {
                case UInt8(ascii: "n"): bytes.append(10)
                case UInt8(ascii: "r"): bytes.append(13)
                case UInt8(ascii: "t"): bytes.append(9)
                case UInt8(ascii: "b"), UInt8(ascii: "f"): continue
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(next - 48)
                    var digits = 1
                    while digits < 3, index < data.count, data[index] >= 48, data[index] <= 55 {
                        value = value * 8 + Int(data[index] - 48)
                        index += 1
                        digits += 1
                    }
                    bytes.append(UInt8(value & 0xFF))
                case 10, 13: continue  // a line continuation
                default: bytes.append(next)
                }
                continue
            }
            if byte == UInt8(ascii: "(") { depth += 1 }
            if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { return (decode(bytes), index + 1) }
            }
            bytes.append(byte)
            index += 1
        }
        return (decode(bytes), index)
    }

    private static func hex(_ data: [UInt8], from start: Int) -> (String, Int) {
        var digits: [UInt8] = []
        var index = start
        while index < data.count, data[index] != UInt8(ascii: ">") {
            if let value = UInt8(String(UnicodeScalar(data[index])), radix: 16) { digits.append(value) }
            index += 1
        }
        if digits.count % 2 == 1 { digits.append(0) }
        let bytes = stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
        return (decode(bytes), index + 1)
    }

    /// UTF-16BE with a byte-order mark, else PDFDocEncoding (Latin-1 for the printable range).
    private static func decode(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0xFE, 0xFF]) {
            let units = stride(from: 2, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        }
        return String(String.UnicodeScalarView(bytes.map { UnicodeScalar($0) }))
    }
}
