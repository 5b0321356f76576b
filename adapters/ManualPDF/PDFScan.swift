/// A light reading of a PDF file: its header, trailer, cross-reference, streams and the names
/// it uses. Enough to validate an uploaded certificate and extract its text; not a renderer.
struct PDFScan {
    struct Stream {
        var dictionary: String
        var data: [UInt8]
        var isImage: Bool
    }

    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// `%PDF-1.x` (or 2.0) within the first 1024 bytes.
    var version: String? {
        let head = Array(bytes.prefix(1024))
        guard let start = head.firstRange(of: Array("%PDF-".utf8)) else { return nil }
        let version = head[start.upperBound...].prefix(3)
        let text = String(decoding: version, as: UTF8.self)
        guard text.count == 3, text.first?.isNumber == true, text.dropFirst().first == ".", text.last?.isNumber == true else { return nil }
        return text
    }

    /// `%%EOF` within the last 1024 bytes.
    var hasEndMarker: Bool { Array(bytes.suffix(1024)).firstRange(of: Array("%%EOF".utf8)) != nil }

    /// Whether `startxref` points at a cross-reference table or an xref stream object.
    var hasValidCrossReference: Bool {
        let tail = Array(bytes.suffix(2048))
        guard let marker = tail.lastRange(of: Array("startxref".utf8)) else { return false }
        let after = String(decoding: tail[marker.upperBound...].prefix(32), as: UTF8.self)
        guard let offset = Int(after.split(whereSeparator: \.isWhitespace).first ?? ""), offset >= 0, offset < bytes.count else {
            return false
        }
        let at = String(decoding: bytes[offset...].prefix(32), as: UTF8.self)
        if at.hasPrefix("xref") { return true }
        let parts = at.split(whereSeparator: \.isWhitespace)
        return parts.count >= 3 && Int(parts[0]) != nil && Int(parts[1]) != nil && parts[2].hasPrefix("obj")
    }

    /// At least one complete `N G obj … endobj` and a document catalog.
    var hasObjectStructure: Bool {
        bytes.firstRange(of: Array(" obj".utf8)) != nil && bytes.firstRange(of: Array("endobj".utf8)) != nil
            && names(in: bytes).contains("/Catalog")
    }

    /// Every stream with its dictionary; Flate streams are inflated (up to `limit` bytes each).
    func streams(limit: Int) -> [Stream] {
        var found: [Stream] = []
        var searchFrom = 0
        let keyword = Array("stream".utf8), end = Array("endstream".utf8)
        while let range = bytes[searchFrom...].firstRange(of: keyword) {
            searchFrom = range.upperBound
            // "endstream" contains "stream": skip it.
            if range.lowerBound >= 3, Array(bytes[(range.lowerBound - 3)..<range.lowerBound]) == Array("end".utf8) { continue }
            var start = range.upperBound
            if start < bytes.count, bytes[start] == 13 { start += 1 }
            if start < bytes.count, bytes[start] == 10 { start += 1 }
            guard let close = bytes[start...].firstRange(of: end) else { break }
            var stop = close.lowerBound
            while stop > start, bytes[stop - 1] == 10 || bytes[stop - 1] == 13 { stop -= 1 }
            let dictionary = self.dictionary(before: range.lowerBound)
            let raw = bytes[start..<stop]
            var data = Array(raw)
            if dictionary.contains("/FlateDecode") || dictionary.contains("/Fl ") || dictionary.contains("/Fl]") {
                data = (try? Inflate.decompress(raw, limit: limit)) ?? []
            }
            found.append(Stream(dictionary: dictionary, data: data, isImage: dictionary.contains("/Image")))
            searchFrom = close.upperBound
        }
        return found
    }

    /// The dictionary text just before a `stream` keyword.
    private func dictionary(before index: Int) -> String {
        let window = bytes[max(0, index - 2048)..<index]
        guard let open = window.lastRange(of: Array("<<".utf8)) else { return "" }
        // Walk back to the outermost "<<" that is still open at `index`.
        var depth = 0, position = index - 1, start = open.lowerBound
        while position > max(0, index - 2048) {
            if bytes[position] == UInt8(ascii: ">") && bytes[position - 1] == UInt8(ascii: ">") {
                depth += 1
                position -= 2
                continue
            }
            if bytes[position] == UInt8(ascii: "<") && bytes[position - 1] == UInt8(ascii: "<") {
                depth -= 1
                if depth <= 0 {
                    start = position - 1
                    if depth < 0 || depth == 0 { break }
                }
                position -= 2
                continue
            }
            position -= 1
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// PDF names (`/JavaScript`), with `#xx` escapes decoded so `/J#61vaScript` is found too.
    func names(in data: some Collection<UInt8>) -> Set<String> {
        var found: Set<String> = []
        var current: [UInt8] = []
        var inName = false
        var iterator = Array(data).makeIterator()
        func flush() {
            if inName && current.count > 1 { found.insert(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
            inName = false
        }
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "/") {
                flush()
                inName = true
                current = [byte]
                continue
            }
            guard inName else { continue }
            let delimiter = byte <= 32 || "()<>[]{}/%".utf8.contains(byte)
            if delimiter {
                flush()
                continue
            }
            if byte == UInt8(ascii: "#"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                current.append(value)
            } else {
                current.append(byte)
            }
        }
        flush()
        return found
    }
}

extension Collection where Element == UInt8, Index == Int {
    func lastRange(of pattern: [UInt8]) -> Range<Int>? {
        guard count >= pattern.count, !pattern.isEmpty else { return nil }
        var index = endIndex - pattern.count
        while index >= startIndex {
            if self[index..<(index + pattern.count)].elementsEqual(pattern) { return index..<(index + pattern.count) }
            index -= 1
        }
        return nil
    }
}
