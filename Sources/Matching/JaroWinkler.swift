/// Jaro–Winkler similarity of two byte strings, from 0 (nothing alike) to 1 (equal): tolerant of
/// typos and transpositions, and of differences towards the end more than at the start.
public enum JaroWinkler {
    public static func similarity(_ a: [UInt8], _ b: [UInt8]) -> Double {
        if a == b { return a.isEmpty ? 0 : 1 }
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        guard !short.isEmpty else { return 0 }
        let window = max(0, long.count / 2 - 1)
        // Up to 64 bytes are compared; names are shorter.
        var longMatched: UInt64 = 0
        var shortMatched: UInt64 = 0
        var matches = 0
        let shortCount = min(short.count, 64), longCount = min(long.count, 64)
        for i in 0..<shortCount {
            let low = max(0, i - window), high = min(longCount - 1, i + window)
            guard low <= high else { continue }
            for j in low...high where longMatched & (1 << UInt64(j)) == 0 && short[i] == long[j] {
                longMatched |= 1 << UInt64(j)
                shortMatched |= 1 << UInt64(i)
                matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var transpositions = 0
        var j = 0
        for i in 0..<shortCount where shortMatched & (1 << UInt64(i)) != 0 {
            while longMatched & (1 << UInt64(j)) == 0 { j += 1 }
            if short[i] != long[j] { transpositions += 1 }
            j += 1
        }
        let m = Double(matches)
        let jaro = (m / Double(short.count) + m / Double(long.count) + (m - Double(transpositions / 2)) / m) / 3
        var prefix = 0
        while prefix < min(4, shortCount), short[prefix] == long[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    public static func similarity(_ a: String, _ b: String) -> Double {
        similarity(Array(a.utf8), Array(b.utf8))
    }
}

/// American Soundex: a letter and three digits, alike for names that sound alike (Smith, Smyth).
/// Finds candidates (blocking) and is one comparison level (`phonetic`) of names.
public enum Soundex {
    private static let codes: [UInt8] = Array("01230120022455012623010202".utf8)

    public static func code(_ name: String) -> String {
        String(decoding: code(bytes: Array(name.utf8)), as: UTF8.self)
    }

    /// The code's four bytes in one number, for comparing pairs without allocating (0: no letters).
    static func packed(_ name: [UInt8]) -> UInt32 {
        code(bytes: name).reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func code(bytes name: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var last: UInt8 = 0
        for byte in name where byte >= 97 && byte <= 122 {
            let code = codes[Int(byte - 97)]
            if result.isEmpty {
                result.append(byte - 32)
                last = code
                continue
            }
            if code != UInt8(ascii: "0") && code != last { result.append(code) }
            // h and w do not separate equal codes; vowels do.
            if byte != UInt8(ascii: "h") && byte != UInt8(ascii: "w") { last = code }
            if result.count == 4 { break }
        }
        while !result.isEmpty && result.count < 4 { result.append(UInt8(ascii: "0")) }
        return result
    }
}
