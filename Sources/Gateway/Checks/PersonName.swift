import Matching

/// A staff member's name as schools write it: "Rivera, Ana", "Ana M. Rivera", "A. Rivera".
struct PersonName: Equatable {
    var first: String?
    var last: String

    init?(_ text: String?) {
        guard let text, !text.isEmpty else { return nil }
        if let comma = text.firstIndex(of: ",") {
            let last = NameFolding.tokens(String(text[..<comma]))
            let given = NameFolding.tokens(String(text[text.index(after: comma)...]))
            guard !last.isEmpty else { return nil }
            self.last = last.joined()
            first = given.first
        } else {
            let tokens = NameFolding.tokens(text)
            guard let last = tokens.last else { return nil }
            self.last = last
            first = tokens.count > 1 ? tokens.first : nil
        }
    }

    /// Same surname, and given names that agree or where one is the other's initial; middle
    /// names and initials are ignored.
    func isSamePerson(as other: PersonName) -> Bool {
        guard last == other.last else { return false }
        guard let mine = first, let theirs = other.first else { return true }
        if mine == theirs { return true }
        return (mine.count == 1 && theirs.hasPrefix(mine)) || (theirs.count == 1 && mine.hasPrefix(theirs))
    }
}
