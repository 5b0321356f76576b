import CertGateCore

/// Blocking: each student is filed under a few keys, and a result is compared only with the
/// students sharing one of its keys, so the pairs compared grow about linearly with the roster.
///
/// Keys: date of birth with both initials (typos rarely touch the first letter; a nickname that
/// does is caught by the next key); surname token with the given name's nickname group (a
/// missing or mistyped date of birth); the surname's Soundex with the nickname group (a typo as
/// well). A result is also looked up with its date of birth's day and month swapped
/// and with given name and surname swapped. When those find no clear match, a second, wider
/// look-up adds a surname token with the given name's initial and the given name with the
/// surname's initial (a typo in one name and a missing or wrong date of birth), and the date of
/// birth with the surname's initial (a given name left blank), and loose keys where they are rare in the roster
/// (the date of birth alone, a name's Soundex with the birth year or the other name's initial, a name alone). Keys are 64-bit hashes in one sorted array, which
/// keeps memory small for large rosters.
struct BlockIndex: Sendable {
    private let keys: [UInt64]
    private let members: [Int32]
    private let nicknames: NicknameTable
    /// A key shared by more students than this is too common to help; it is skipped.
    private let maximumBlock = 1000
    /// A loose key (a date of birth alone, a name's sound with a year) helps only where it is
    /// rare in this roster; shared by more students than this, it is skipped.
    private let rareBlock = 24

    init(students: [RosterPerson], nicknames: NicknameTable) {
        self.nicknames = nicknames
        var pairs: [(UInt64, Int32)] = []
        pairs.reserveCapacity(students.count * 8)
        for (index, student) in students.enumerated() {
            let keys = Self.keys(first: student.first, last: student.last, dateOfBirth: student.dateOfBirth, nicknames: nicknames)
                + Self.wideKeys(first: student.first, last: student.last, dateOfBirth: student.dateOfBirth)
                + Self.looseKeys(first: student.first, last: student.last, dateOfBirth: student.dateOfBirth)
                + (student.hasSingleName ? student.last.map { Self.hash("s", $0) } : [])
            for key in Set(keys) {
                pairs.append((key, Int32(index)))
            }
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        keys = pairs.map(\.0)
        members = pairs.map(\.1)
    }

    /// The students sharing a key with the result; `wide` adds the looser keys.
    func candidates(for person: ResultPerson, wide: Bool = false) -> [Int32] {
        var keys = Self.keys(first: person.first, last: person.last, dateOfBirth: person.dateOfBirth, nicknames: nicknames)
        keys += Self.keys(first: person.last, last: person.first, dateOfBirth: nil, nicknames: nicknames)
        var loose: [UInt64] = []
        if wide {
            keys += Self.wideKeys(first: person.first, last: person.last, dateOfBirth: person.dateOfBirth)
            loose += Self.looseKeys(first: person.first, last: person.last, dateOfBirth: person.dateOfBirth)
            loose += Self.looseKeys(first: person.last, last: person.first, dateOfBirth: person.dateOfBirth)  // boxes swapped
            if let date = person.dateOfBirth, date.day <= 12, date.day != date.month,
                let swapped = CalendarDate(year: date.year, month: date.day, day: date.month)
            {
                loose.append(Self.hash("b", swapped.description))
            }
        }
        // Students with one name are filed under it: a provider puts it in either box.
        keys += (person.first + person.last).map { Self.hash("s", $0) }
        if let date = person.dateOfBirth, date.day <= 12, date.day != date.month,
            let swapped = CalendarDate(year: date.year, month: date.day, day: date.month)
        {
            keys += Self.keys(first: person.first, last: person.last, dateOfBirth: swapped, nicknames: nicknames)
        }
        var found: Set<Int32> = []
        for key in Set(keys) {
            let range = self.range(of: key)
            if range.count <= maximumBlock { found.formUnion(members[range]) }
        }
        for key in Set(loose) {
            let range = self.range(of: key)
            if range.count <= rareBlock { found.formUnion(members[range]) }
        }
        return Array(found)
    }

    private func range(of key: UInt64) -> Range<Int> {
        var low = 0, high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < keys.count && keys[end] == key { end += 1 }
        return low..<end
    }

    static func keys(first: [String], last: [String], dateOfBirth: CalendarDate?, nicknames: NicknameTable) -> [UInt64] {
        var keys: [UInt64] = []
        if let date = dateOfBirth?.description, let a = first.first?.first, let b = last.first?.first {
            // Both initials in order: the same key when given name and surname are swapped.
            keys.append(hash("d", a < b ? "\(date)|\(a)\(b)" : "\(date)|\(b)\(a)"))
        }
        if let given = first.first.map({ nicknames.canonical($0) }) {
            for token in last { keys.append(hash("n", "\(token)|\(given)")) }
            if let surname = last.first {
                keys.append(hash("g", "\(Soundex.code(surname))|\(given)"))
            }
        }
        return keys
    }

    static func wideKeys(first: [String], last: [String], dateOfBirth: CalendarDate?) -> [UInt64] {
        var keys: [UInt64] = []
        // A given name left blank: the date of birth with the surname's initial.
        if let date = dateOfBirth?.description, let initial = last.first?.first { keys.append(hash("dl", "\(date)|\(initial)")) }
        if let given = first.first {
            for token in last { if let initial = given.first { keys.append(hash("li", "\(token)|\(initial)")) } }
            if let initial = last.first?.first { keys.append(hash("fi", "\(given)|\(initial)")) }
        }
        return keys
    }

    static func looseKeys(first: [String], last: [String], dateOfBirth: CalendarDate?) -> [UInt64] {
        var keys: [UInt64] = []
        // Loose keys, used only where they are rare in this roster (`rareBlock`): both names typed
        // badly or replaced leave the date of birth alone (a school's roster shares birthdays, a
        // wider population rarely does); a mistyped date leaves each name's sound with the birth
        // year or the other name's initial.
        if let date = dateOfBirth?.description { keys.append(hash("b", date)) }
        if let surname = last.first {
            if let year = dateOfBirth?.year { keys.append(hash("sy", "\(Soundex.code(surname))|\(year)")) }
            if let initial = first.first?.first { keys.append(hash("gs", "\(initial)|\(Soundex.code(surname))")) }
        }
        if let given = first.first, let initial = last.first?.first {
            keys.append(hash("sg", "\(Soundex.code(given))|\(initial)"))
        }
        // Only one name left intact: a rare surname or given name alone.
        for token in last where !NameFolding.particles.contains(token) { keys.append(hash("l", token)) }
        if let given = first.first { keys.append(hash("f", given)) }
        return keys
    }

    /// FNV-1a, 64-bit: stable across runs (Swift's Hasher is seeded per process).
    static func hash(_ kind: String, _ value: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in kind.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0x1F) &* 0x100_0000_01b3
        for byte in value.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
