import CertGateCore

/// Compares one result with one student, field by field: the comparison levels, and their
/// score (the sum of the levels' weights, in bits) under a parameter set.
struct FieldComparison: Sendable {
    let settings: MatchSettings
    let nicknames: NicknameTable
    /// Each roster student's names' log2 share of the roster (term frequency), for exact agreement.
    let firstNameLogFrequency: [Double]
    let lastNameLogFrequency: [Double]

    init(settings: MatchSettings, nicknames: NicknameTable, students: [RosterPerson]) {
        self.settings = settings
        self.nicknames = nicknames
        var first: [String: Int] = [:], last: [String: Int] = [:]
        for student in students {
            first[student.first.first ?? "", default: 0] += 1
            last[student.last.joined(), default: 0] += 1
        }
        firstNameLogFrequency = students.map {
            settings.exactNames.logFrequency(count: first[$0.first.first ?? ""] ?? 0, rosterSize: students.count)
        }
        lastNameLogFrequency = students.map {
            settings.exactNames.logFrequency(count: last[$0.last.joined()] ?? 0, rosterSize: students.count)
        }
    }

    func compare(_ result: ResultPerson, _ student: RosterPerson) -> FieldAgreement {
        if student.hasSingleName { return compareSingleName(result, student) }
        var first = firstName(result.first, result.names, student)
        var last = lastName(result.last, result.names, student)
        var swapped = false
        if Self.weak(last) && Self.weak(first) {
            // Students type their names into the wrong boxes, and family-name-first names arrive
            // either way round: the swapped reading counts when its better name agrees better.
            let swappedFirst = firstName(result.last, result.swappedNames, student)
            let swappedLast = lastName(result.first, result.swappedNames, student)
            let straight = Self.strength(first, last), crossed = Self.strength(swappedFirst, swappedLast)
            if crossed.0 < straight.0 || (crossed.0 == straight.0 && crossed.1 < straight.1) {
                (first, last, swapped) = (swappedFirst, swappedLast, true)
            }
        }
        return FieldAgreement(
            firstName: first, lastName: last, dateOfBirth: dateOfBirth(result.dateOfBirth, student.dateOfBirth),
            email: email(result.email, student.email), school: school(result.site, student.school), namesSwapped: swapped)
    }

    /// Two names' levels, the better first (lower is stronger), for comparing readings.
    private static func strength(_ a: FieldAgreement.Level, _ b: FieldAgreement.Level) -> (Int, Int) {
        (min(a.ordinal, b.ordinal), max(a.ordinal, b.ordinal))
    }

    /// A name level that says little: the swapped reading is tried instead.
    private static func weak(_ level: FieldAgreement.Level) -> Bool {
        level == .different || level == .missing || level == .partial || level == .initial
    }

    /// A student with one name: a provider puts it in either box and often fills the other with
    /// a placeholder (`FNU`, `LNU`) or repeats it, so the one name is compared with each box and
    /// the better agreement counts as the surname's. The one name is weighed once; when it agrees
    /// exactly the whole name does, so the given name shows as exact too (and step 3, exact name
    /// and date of birth, applies; `score` then weighs the surname only).
    private func compareSingleName(_ result: ResultPerson, _ student: RosterPerson) -> FieldAgreement {
        let asLast = lastName(result.last, result.names, student)
        let asFirst = lastName(result.first, result.swappedNames, student)
        let best = asLast.ordinal <= asFirst.ordinal ? asLast : asFirst
        // The other box holding a real name of its own (not a placeholder, not the name again)
        // is a disagreement: "Isabella Crimes" is not the student known only as Isabella.
        let other = asLast.ordinal <= asFirst.ordinal ? result.first : result.last
        let otherDisagrees = !other.isEmpty && !other.allSatisfy { NameFolding.placeholders.contains($0) || student.last.contains($0) }
        return FieldAgreement(
            firstName: otherDisagrees ? .different : (best == .exact ? .exact : .missing), lastName: best,
            dateOfBirth: dateOfBirth(result.dateOfBirth, student.dateOfBirth), email: email(result.email, student.email),
            school: school(result.site, student.school), namesSwapped: false)
    }

    /// The sum of the levels' weights, in bits: log2 of the Bayes factor for "same person".
    func score(_ agreement: FieldAgreement, index: Int, single: Bool, _ table: ScoreTable) -> Double {
        score(agreement, names: StudentNameFrequency(first: firstNameLogFrequency[index], last: lastNameLogFrequency[index], single: single), table)
    }

    func score(_ agreement: FieldAgreement, names: StudentNameFrequency, _ table: ScoreTable) -> Double {
        var total = 0.0
        // A student with one name has no given name to agree, only another name to disagree.
        if !names.single || agreement.firstName == .different {
            total += agreement.firstName == .exact
                ? settings.exactNames.weight(logM: table.exactFirstLogM, logFrequency: names.first)
                : table.weight(.firstName, agreement.firstName)
        }
        total += agreement.lastName == .exact
            ? settings.exactNames.weight(logM: table.exactLastLogM, logFrequency: names.last)
            : table.weight(.lastName, agreement.lastName)
        total += table.weight(.dateOfBirth, agreement.dateOfBirth)
        total += table.weight(.email, agreement.email)
        total += table.weight(.school, agreement.school)
        if agreement.namesSwapped { total -= settings.swappedNamesPenalty }
        return total
    }

    func firstName(_ result: [String], _ bytes: NameBytes, _ student: RosterPerson) -> FieldAgreement.Level {
        guard let given = result.first, let primary = student.first.first else { return .missing }
        if given == primary || result == student.first || result == student.first + student.middle { return .exact }
        if nicknames.related(given, primary) { return .nickname }
        var similarity = JaroWinkler.similarity(bytes.firstJoined, student.names.firstJoined)
        if bytes.first.count != bytes.firstJoined.count || student.names.first.count != student.names.firstJoined.count {
            similarity = max(similarity, JaroWinkler.similarity(bytes.first, student.names.first))  // "Mary Kate" as "Mary"
        }
        if similarity >= settings.similarNames { return .similar }
        // "Mary Kate" typed as "Kate", or the middle name the student goes by.
        if student.middle.contains(given) || student.first.dropFirst().contains(given) { return .similar }
        if bytes.firstSound == student.names.firstSound { return .phonetic }
        if similarity >= settings.partlySimilarNames { return .partial }
        if Self.isInitial(bytes.first, of: student.names.first) { return .initial }
        return .different
    }

    func lastName(_ result: [String], _ bytes: NameBytes, _ student: RosterPerson) -> FieldAgreement.Level {
        guard !result.isEmpty, !student.last.isEmpty else { return .missing }
        if result == student.last || bytes.lastJoined == student.names.lastJoined { return .exact }
        // García-López vs García or López García: one surname of a double surname (particles such
        // as "de" or "van" alone do not count).
        if result.contains(where: { token in token.count > 1 && !NameFolding.particles.contains(token) && student.last.contains(token) }) {
            return .compound
        }
        var similarity = JaroWinkler.similarity(bytes.lastJoined, student.names.lastJoined)
        if bytes.last.count > 1 || student.names.last.count > 1 {  // each part of a double surname on its own
            for token in bytes.last where token.count > 3 {
                for other in student.names.last where other.count > 3 { similarity = max(similarity, JaroWinkler.similarity(token, other)) }
            }
        }
        if similarity >= settings.similarNames { return .similar }
        if bytes.lastSound == student.names.lastSound { return .phonetic }
        if similarity >= settings.partlySimilarNames { return .partial }
        if Self.isInitial(bytes.lastJoined, of: student.names.lastJoined) { return .initial }
        return .different
    }

    /// One name is a single letter, the other's first.
    private static func isInitial(_ a: [UInt8], of b: [UInt8]) -> Bool {
        guard let x = a.first, let y = b.first, x == y else { return false }
        return a.count == 1 || b.count == 1
    }

    func dateOfBirth(_ result: CalendarDate?, _ student: CalendarDate?) -> FieldAgreement.Level {
        guard let result, let student else { return .missing }
        if result == student { return .exact }
        if result.year == student.year && result.month == student.day && result.day == student.month { return .swappedDayMonth }
        var differing = 0
        for (a, b) in [(result.year, student.year), (result.month, student.month), (result.day, student.day)] {
            var x = a, y = b
            while x > 0 || y > 0 {
                if x % 10 != y % 10 { differing += 1 }
                x /= 10
                y /= 10
            }
        }
        if differing == 1 || Self.adjacentDigitsSwapped(result, student) { return .oneDigit }
        return result.year == student.year ? .yearOnly : .different
    }

    /// 2009-10-13 typed as 2009-01-13 or 1990-…: two neighbouring digits of YYYYMMDD swapped.
    private static func adjacentDigitsSwapped(_ a: CalendarDate, _ b: CalendarDate) -> Bool {
        var x = a.year * 10_000 + a.month * 100 + a.day, y = b.year * 10_000 + b.month * 100 + b.day
        var differing = 0, swapped = false, lastDiffering = -2, previous = (-1, -1)
        for position in 0..<8 {
            let digits = (x % 10, y % 10)
            if digits.0 != digits.1 {
                differing += 1
                if lastDiffering == position - 1 && digits.0 == previous.1 && digits.1 == previous.0 { swapped = true }
                lastDiffering = position
            }
            previous = digits
            x /= 10
            y /= 10
        }
        return differing == 2 && swapped
    }

    func email(_ result: String?, _ student: String?) -> FieldAgreement.Level {
        guard let result, let student else { return .missing }
        return result == student ? .exact : .different
    }

    func school(_ site: Set<String>, _ school: Set<String>) -> FieldAgreement.Level {
        guard !site.isEmpty, !school.isEmpty else { return .missing }
        return site.isDisjoint(with: school) ? .different : .exact
    }
}

/// What the score of a pair needs to know of its student besides the agreement: how common the
/// student's names are in the roster, and whether the student has one name only.
struct StudentNameFrequency: Sendable {
    var first: Double
    var last: Double
    var single: Bool
}
