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
/// surname's initial (a typo in one name and a missing or wrong date of birth), each name with
/// the other left without its first or second letter (a typo at the start of a name), and the date of
/// birth with the surname's initial (a given name left blank), and loose keys where they are rare in the roster
/// (the date of birth alone, a name's Soundex with the birth year or the other name's initial, a name alone). Keys are 64-bit hashes in one sorted array, which
/// keeps memory small for large rosters.
struct BlockIndex: Sendable {
    private let keys: [UInt64]
    private let members: [Int32]
    /// The first position in `keys` of each value of a key's top `directoryBits` bits.
    private let directory: [Int32]
    private static let directoryBits = 20
    private let nicknames: NicknameTable
    /// A key shared by more students than this is too common to help; it is skipped.
    private let maximumBlock = 1000
    /// A loose key (a date of birth alone, a name's sound with a year) helps only where it is
    /// rare in this roster; shared by more students than this, it is skipped.
    private let rareBlock = 24

    init(students: [RosterPerson], nicknames: NicknameTable) {
        self.nicknames = nicknames
        var pairs: [(UInt64, Int32)] = []
        pairs.reserveCapacity(students.count * 20)
        for (index, student) in students.enumerated() {
            var keys = Self.keys(first: student.first, last: student.last, dateOfBirth: student.dateOfBirth, nicknames: nicknames)
                + Self.wideKeys(first: student.first, last: student.last, dateOfBirth: student.dateOfBirth)
                + Self.looseKeys(first: student.first, last: student.last, dateOfBirth: student.dateOfBirth)
                + (student.hasSingleName ? student.last.map(Self.singleNameKey) : [])
            keys.sort()
            for (position, key) in keys.enumerated() where position == 0 || keys[position - 1] != key {
                pairs.append((key, Int32(index)))
            }
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        keys = pairs.map(\.0)
        members = pairs.map(\.1)
        // Where each value of a key's top bits starts: a look-up searches a few keys, not all.
        var directory = [Int32](repeating: 0, count: (1 << Self.directoryBits) + 1)
        var position = 0
        for bucket in 0...(1 << Self.directoryBits) {
            while position < keys.count && Int(keys[position] >> UInt64(64 - Self.directoryBits)) < bucket { position += 1 }
            directory[bucket] = Int32(position)
        }
        self.directory = directory
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
                loose.append(BlockKey(.date).date(swapped).value)
            }
        }
        // Students with one name are filed under it: a provider puts it in either box.
        keys += (person.first + person.last).map(Self.singleNameKey)
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
        let bucket = Int(key >> UInt64(64 - Self.directoryBits))
        var low = Int(directory[bucket]), high = Int(directory[bucket + 1])
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
        if let date = dateOfBirth, let a = first.first?.utf8.first, let b = last.first?.utf8.first {
            // Both initials in order: the same key when given name and surname are swapped.
            keys.append(BlockKey(.dateInitials).date(date).byte(min(a, b)).byte(max(a, b)).value)
        }
        if let given = first.first.map({ nicknames.canonical($0) }) {
            for token in last { keys.append(BlockKey(.surnameGiven).text(token).text(given).value) }
            if let surname = last.first { keys.append(BlockKey(.soundexGiven).sound(surname).text(given).value) }
        }
        return keys
    }

    static func wideKeys(first: [String], last: [String], dateOfBirth: CalendarDate?) -> [UInt64] {
        var keys: [UInt64] = []
        // A given name left blank: the date of birth with the surname's initial.
        if let date = dateOfBirth, let initial = last.first?.utf8.first { keys.append(BlockKey(.dateSurnameInitial).date(date).byte(initial).value) }
        if let given = first.first {
            if let initial = given.utf8.first {
                for token in last { keys.append(BlockKey(.surnameInitial).text(token).byte(initial).value) }
            }
            if let initial = last.first?.utf8.first { keys.append(BlockKey(.givenInitial).text(given).byte(initial).value) }
            // A typo in the first letters of one name, the other intact: that name, or it with its
            // first or second letter left out ("Kyle" and "Ykle" share "kle").
            if let surname = last.first(where: { !NameFolding.particles.contains($0) }) {
                keys += frontVariantKeys(.surnameGivenVariant, surname, given)
                keys += frontVariantKeys(.givenSurnameVariant, given, surname)
            }
        }
        return keys
    }

    /// Keys of `other` with `name`, and with `name` without its first or its second letter (for
    /// names of three letters or more).
    static func frontVariantKeys(_ kind: BlockKey.Kind, _ other: String, _ name: String) -> [UInt64] {
        let prefix = BlockKey(kind).text(other)
        let bytes = Array(name.utf8)
        guard bytes.count >= 3 else { return [prefix.bytes(bytes).value] }
        return [prefix.bytes(bytes).value, prefix.bytes(bytes[1...]).value, prefix.bytes(bytes[0..<1] + bytes[2...]).value]
    }

    static func looseKeys(first: [String], last: [String], dateOfBirth: CalendarDate?) -> [UInt64] {
        var keys: [UInt64] = []
        // Loose keys, used only where they are rare in this roster (`rareBlock`): both names typed
        // badly or replaced leave the date of birth alone (a school's roster shares birthdays, a
        // wider population rarely does); a mistyped date leaves each name's sound with the birth
        // year or the other name's initial.
        if let date = dateOfBirth { keys.append(BlockKey(.date).date(date).value) }
        if let surname = last.first {
            if let year = dateOfBirth?.year { keys.append(BlockKey(.soundexYear).sound(surname).number(year).value) }
            if let initial = first.first?.utf8.first { keys.append(BlockKey(.initialSoundex).byte(initial).sound(surname).value) }
        }
        if let given = first.first, let initial = last.first?.utf8.first {
            keys.append(BlockKey(.soundexInitial).sound(given).byte(initial).value)
        }
        // Only one name left intact: a rare surname or given name alone.
        for token in last where !NameFolding.particles.contains(token) { keys.append(BlockKey(.surname).text(token).value) }
        if let given = first.first { keys.append(BlockKey(.given).text(given).value) }
        return keys
    }

    /// The key a student with one name is filed under.
    static func singleNameKey(_ name: String) -> UInt64 { BlockKey(.singleName).text(name).value }
}

/// A blocking key: FNV-1a, 64-bit, over the key's kind and its parts, built from bytes without
/// making strings (stable across runs; Swift's Hasher is seeded per process).
struct BlockKey {
    enum Kind: UInt8 {
        case dateInitials = 1, surnameGiven, soundexGiven, dateSurnameInitial, surnameInitial, givenInitial
        case surnameGivenVariant, givenSurnameVariant, date, soundexYear, initialSoundex, soundexInitial, surname, given, singleName
    }

    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    init(_ kind: Kind) { self = byte(kind.rawValue) }

    private init(value: UInt64) { self.value = value }

    func byte(_ byte: UInt8) -> BlockKey { BlockKey(value: (value ^ UInt64(byte)) &* 0x100_0000_01b3) }

    func bytes<S: Sequence<UInt8>>(_ bytes: S) -> BlockKey {
        var key = self
        for byte in bytes { key = key.byte(byte) }
        return key.byte(0x1F)  // each part ends with a separator
    }

    func text(_ text: String) -> BlockKey { bytes(text.utf8) }

    func number(_ number: Int) -> BlockKey { bytes(withUnsafeBytes(of: UInt32(truncatingIfNeeded: number).littleEndian, Array.init)) }

    func date(_ date: CalendarDate) -> BlockKey { number(date.year * 10_000 + date.month * 100 + date.day) }

    func sound(_ name: String) -> BlockKey { number(Int(Soundex.packed(Array(name.utf8)))) }
}
