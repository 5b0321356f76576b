import CertGateCore

/// Compares one result with one student, field by field, and scores the agreement.
struct FieldComparison: Sendable {
    let settings: MatchSettings
    let nicknames: NicknameTable
    /// Each roster student's exact-name weights, from how common the names are in the roster.
    let firstNameWeights: [Double]
    let lastNameWeights: [Double]

    init(settings: MatchSettings, nicknames: NicknameTable, students: [RosterPerson]) {
        self.settings = settings
        self.nicknames = nicknames
        var first: [String: Int] = [:], last: [String: Int] = [:]
        for student in students {
            first[student.first.first ?? "", default: 0] += 1
            last[student.last.joined(), default: 0] += 1
        }
        firstNameWeights = students.map {
            settings.exactNames.weight(count: first[$0.first.first ?? ""] ?? 0, rosterSize: students.count)
        }
        lastNameWeights = students.map {
            settings.exactNames.weight(count: last[$0.last.joined()] ?? 0, rosterSize: students.count)
        }
    }

    func compare(_ result: ResultPerson, _ student: RosterPerson, index: Int) -> (FieldAgreement, Double) {
        if student.hasSingleName { return compareSingleName(result, student, index: index) }
        var first = firstName(result.first, result.names, student)
        var last = lastName(result.last, result.names, student)
        var swapped = false
        if last == .different && (first == .different || first == .missing) {
            // Students sometimes type their names into the wrong boxes.
            let swappedFirst = firstName(result.last, result.swappedNames, student)
            let swappedLast = lastName(result.first, result.swappedNames, student)
            if swappedFirst != .different && swappedFirst != .missing && swappedLast != .different && swappedLast != .missing {
                (first, last, swapped) = (swappedFirst, swappedLast, true)
            }
        }
        let agreement = FieldAgreement(
            firstName: first, lastName: last, dateOfBirth: dateOfBirth(result.dateOfBirth, student.dateOfBirth),
            email: email(result.email, student.email), school: school(result.site, student.school), namesSwapped: swapped)
        return (agreement, score(agreement, index: index))
    }

    /// A student with one name: a provider puts it in either box and often fills the other with
    /// a placeholder (`FNU`, `LNU`) or repeats it, so the one name is compared with each box and
    /// the better agreement counts as the surname's. The one name is weighed once; when it agrees
    /// exactly the whole name does, so the given name shows as exact too (and step 3, exact name
    /// and date of birth, applies).
    private func compareSingleName(_ result: ResultPerson, _ student: RosterPerson, index: Int) -> (FieldAgreement, Double) {
        let asLast = lastName(result.last, result.names, student)
        let asFirst = lastName(result.first, result.swappedNames, student)
        let order: [FieldAgreement.Level] = [.exact, .compound, .similar, .different, .missing]
        let best = [asLast, asFirst].min { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! } ?? .missing
        var agreement = FieldAgreement(
            firstName: .missing, lastName: best, dateOfBirth: dateOfBirth(result.dateOfBirth, student.dateOfBirth),
            email: email(result.email, student.email), school: school(result.site, student.school), namesSwapped: false)
        let total = score(agreement, index: index)
        if best == .exact { agreement.firstName = .exact }
        return (agreement, total)
    }

    func score(_ agreement: FieldAgreement, index: Int) -> Double {
        let weights = settings.weights
        var total = 0.0
        switch agreement.firstName {
        case .exact: total += firstNameWeights[index]
        case .nickname: total += weights.firstName.nickname
        case .similar: total += weights.firstName.similar
        case .different: total += weights.firstName.different
        default: break
        }
        switch agreement.lastName {
        case .exact: total += lastNameWeights[index]
        case .compound: total += weights.lastName.compound
        case .similar: total += weights.lastName.similar
        case .different: total += weights.lastName.different
        default: break
        }
        switch agreement.dateOfBirth {
        case .exact: total += weights.dateOfBirth.exact
        case .swappedDayMonth: total += weights.dateOfBirth.swappedDayMonth
        case .oneDigit: total += weights.dateOfBirth.oneDigit
        case .different: total += weights.dateOfBirth.different
        default: break
        }
        switch agreement.email {
        case .exact: total += weights.email.exact
        case .different: total += weights.email.different
        default: break
        }
        switch agreement.school {
        case .exact: total += weights.school.exact
        case .different: total += weights.school.different
        default: break
        }
        if agreement.namesSwapped { total -= settings.swappedNamesPenalty }
        return total
    }

    func firstName(_ result: [String], _ bytes: NameBytes, _ student: RosterPerson) -> FieldAgreement.Level {
        guard let given = result.first, let primary = student.first.first else { return .missing }
        if given == primary || result == student.first || result == student.first + student.middle { return .exact }
        if nicknames.related(given, primary) { return .nickname }
        if similar(bytes.firstJoined, student.names.firstJoined) || similar(bytes.first, student.names.first) { return .similar }
        // "Mary Kate" typed as "Kate": the student's second given name.
        if student.middle.contains(given) || student.first.dropFirst().contains(given) { return .similar }
        return .different
    }

    func lastName(_ result: [String], _ bytes: NameBytes, _ student: RosterPerson) -> FieldAgreement.Level {
        guard !result.isEmpty, !student.last.isEmpty else { return .missing }
        if result == student.last || bytes.lastJoined == student.names.lastJoined { return .exact }
        // García-López vs García: compound surnames.
        if result.contains(where: { token in token.count > 1 && student.last.contains(token) }) { return .compound }
        if similar(bytes.lastJoined, student.names.lastJoined) { return .similar }
        for token in bytes.last where token.count > 3 {
            for other in student.names.last where similar(token, other) { return .similar }
        }
        return .different
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
        return differing == 1 ? .oneDigit : .different
    }

    func email(_ result: String?, _ student: String?) -> FieldAgreement.Level {
        guard let result, let student else { return .missing }
        return result == student ? .exact : .different
    }

    func school(_ site: Set<String>, _ school: Set<String>) -> FieldAgreement.Level {
        guard !site.isEmpty, !school.isEmpty else { return .missing }
        return site.isDisjoint(with: school) ? .different : .exact
    }

    private func similar(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        JaroWinkler.similarity(a, b) >= settings.similarNames
    }
}
