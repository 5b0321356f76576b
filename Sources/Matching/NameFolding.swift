import Foundation

/// Names reduced to comparable tokens: lowercase ASCII letters and digits, accents folded
/// (García → garcia), apostrophes dropped (O'Brien → obrien), hyphens, commas, periods and
/// spaces separating tokens, and generational suffixes (Jr., Sr., II, III, IV) removed.
public enum NameFolding {
    static let suffixes: Set<String> = ["jr", "sr", "ii", "iii", "iv", "v"]
    /// What providers type in a name box a student with one name cannot fill ("first name unknown").
    static let placeholders: Set<String> = ["fnu", "lnu", "nfn", "nln", "unknown", "none", "na", "x", "xx", "xxx"]
    /// Surname particles (De La Cruz, van der Berg, bin Laden): kept in the name, but sharing one
    /// alone does not make two surnames alike.
    static let particles: Set<String> = [
        "de", "del", "la", "las", "los", "le", "da", "das", "do", "dos", "di", "du", "van", "von", "der", "den", "ter", "y", "e",
        "bin", "binti", "ibn", "al", "el", "st", "saint", "mc", "mac",
    ]

    /// The tokens of a name, suffixes removed.
    public static func tokens(_ name: String?) -> [String] {
        guard let name, !name.isEmpty else { return [] }
        var tokens: [String] = []
        var current: [UInt8] = []
        func flush() {
            if !current.isEmpty {
                let token = String(decoding: current, as: UTF8.self)
                if !suffixes.contains(token) { tokens.append(token) }
                current.removeAll(keepingCapacity: true)
            }
        }
        for byte in fold(name) {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): current.append(byte)
            case UInt8(ascii: "'"), UInt8(ascii: "`"): continue  // O'Brien is one token
            default: flush()
            }
        }
        flush()
        // "Smith, Jr." and "Smith Jr" both lose the suffix; a lone suffix is kept as the name.
        return tokens.isEmpty ? [] : tokens
    }

    /// Lowercase ASCII bytes with accents removed; other scripts keep their UTF-8 bytes (they then
    /// only ever match exactly).
    static func fold(_ text: String) -> [UInt8] {
        let utf8 = text.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            return utf8.map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }
        }
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        return Array(folded.replacingOccurrences(of: "ß", with: "ss").replacingOccurrences(of: "’", with: "'").utf8)
    }

    /// An email compared case-insensitively without surrounding spaces.
    public static func email(_ email: String?) -> String? {
        guard let email = email?.trimmingCharacters(in: .whitespaces).lowercased(), email.contains("@") else { return nil }
        return email
    }
}
