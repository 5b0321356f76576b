import CertGateCore

/// Consistent fake values for recorded feeds: the same real value always gets the same fake one
/// within a recording (so a retake is still the same person), and nothing of the real value
/// survives. Keyed by a random salt, so fakes cannot be reversed by hashing guesses.
public final class Pseudonymizer: @unchecked Sendable {
    // @unchecked: used by one recording on one thread; the map is not shared across threads.
    private let salt: String
    private var assigned: [String: String] = [:]

    private static let firstNames = [
        "Alex", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan", "Kendall", "Logan", "Morgan", "Parker",
        "Quinn", "Reese", "Riley", "Rowan", "Sawyer", "Skyler", "Taylor", "Avery",
    ]
    private static let lastNames = [
        "Ashford", "Brightwater", "Calder", "Dunmore", "Ellery", "Fairbanks", "Glenwood", "Hollis", "Ingram", "Jessup",
        "Kingsley", "Lockhart", "Merriweather", "Northcott", "Oakley", "Pemberton", "Quimby", "Radcliffe", "Stanhope",
        "Thornbury",
    ]

    public init(salt: String) { self.salt = salt }

    private func digest(_ kind: String, _ value: String) -> String {
        SHA256.hex("\(salt)\u{1F}\(kind)\u{1F}\(value.lowercased())")
    }

    private func pick(_ kind: String, _ value: String, _ make: (String) -> String) -> String {
        let key = "\(kind)\u{1F}\(value.lowercased())"
        if let fake = assigned[key] { return fake }
        let fake = make(digest(kind, value))
        assigned[key] = fake
        return fake
    }

    private static func number(_ hex: String, _ range: Int) -> Int { Int(hex.prefix(8), radix: 16)! % range }

    public func firstName(_ value: String) -> String {
        pick("first", value) { Self.firstNames[Self.number($0, Self.firstNames.count)] }
    }

    public func lastName(_ value: String) -> String {
        pick("last", value) { Self.lastNames[Self.number($0, Self.lastNames.count)] + "-" + String($0.suffix(4)).uppercased() }
    }

    /// A person's full name ("Last, First" or "First Last" forms are both treated as one value).
    public func fullName(_ value: String) -> String {
        pick("full", value) {
            Self.firstNames[Self.number($0, Self.firstNames.count)] + " "
                + Self.lastNames[Self.number(String($0.dropFirst(8)), Self.lastNames.count)]
        }
    }

    public func email(_ value: String) -> String {
        pick("email", value) { "person-\($0.prefix(10))@example.invalid" }
    }

    /// An identifier with the same shape: letters stay letters, digits stay digits.
    public func identifier(_ value: String) -> String {
        pick("id", value) { hex in
            var digits = Array(hex).makeIterator()
            return String(
                value.map { character -> Character in
                    let next = digits.next() ?? "0"
                    if character.isNumber { return Character(String(Int(String(next), radix: 16)! % 10)) }
                    if character.isLetter {
                        let letter = Character(UnicodeScalar(UInt8(65 + Int(String(next), radix: 16)! % 26)))
                        return character.isLowercase ? Character(letter.lowercased()) : letter
                    }
                    return character
                })
        }
    }

    /// A date of birth moved to another day in the same year, written in the input's format.
    public func dateOfBirth(_ value: String) -> String {
        guard let date = CalendarDate(parsing: value) else { return value.isEmpty ? value : "01/01/2000" }
        let fake = pick("dob", value) { hex in
            let month = Self.number(hex, 12) + 1
            var day = Self.number(String(hex.dropFirst(8)), 28) + 1
            // One time in 336 the draw is the real birthday: never keep it.
            if month == date.month && day == date.day { day = day % 28 + 1 }
            return CalendarDate(year: date.year, month: month, day: day)!.description
        }
        guard value.contains("/") else { return fake }
        let parts = fake.split(separator: "-")
        return "\(parts[1])/\(parts[2])/\(parts[0])"
    }

    /// A secret replaced by a numbered placeholder.
    public func secret(_ value: String) -> String {
        pick("secret", value) { _ in "recorded-secret-\(assigned.count + 1)" }
    }
}
