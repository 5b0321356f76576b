import CertGateCore
import Matching
import TestSupport
import Testing

/// Each matching step and normalization rule with a realistic pair.
@Suite struct MatcherTests {
    static let settings = try! MatchSettings.load(path: Fixtures.path("config/matching.json"))
    static let nicknames = try! NicknameTable.load(path: Fixtures.path("config/nicknames.json"))

    static func student(_ id: String, _ first: String, _ last: String, _ dob: String?, middle: String? = nil, email: String? = nil)
        -> RosterPerson
    {
        RosterPerson(
            studentID: id, firstName: first, middleName: middle, lastName: last, dateOfBirth: dob.flatMap { CalendarDate(parsing: $0) },
            email: email, school: "Central High School")
    }

    /// A roster with the usual hard cases: twins, namesakes, compound surnames, a suffix.
    static let roster = [
        student("S1", "William", "Taylor", "2008-06-05"),
        student("S2", "Katherine", "García-López", "2009-10-03"),
        student("S3", "Daniel", "Kim", "2009-10-15"),
        student("S4", "Aaliyah", "Kim", "2009-10-15"),  // Daniel's twin
        student("S5", "María", "Hernández", "2010-03-07"),
        student("S6", "María", "Hernández", "2008-11-21"),  // a namesake, other birthday
        student("S7", "Sofia", "Smith", "2008-02-14", middle: "Grace"),
        student("S8", "Mary Kate", "O'Brien", "2008-08-21"),
        student("S9", "Nguyen", "Lee", "2009-11-19"),
        student("S10", "Jean-Luc", "Allen", "2010-09-13", email: "jl.allen@students.example.org"),
    ]

    let matcher = Matcher(students: roster, settings: settings, nicknames: nicknames)

    /// A result with names and a date of birth only, matched against a roster of the test's own.
    static func decide(_ matcher: Matcher, _ first: String?, _ last: String?, _ dob: String?) -> MatchDecision {
        var pairs = 0
        return matcher.match(
            ResultPerson(
                firstName: first, lastName: last, dateOfBirth: dob.flatMap { CalendarDate(parsing: $0) }, email: nil, testingSite: nil,
                studentID: nil), pairsCompared: &pairs)
    }

    func match(_ first: String?, _ last: String?, _ dob: String?, email: String? = nil, studentID: String? = nil, link: String? = nil)
        -> MatchDecision
    {
        var pairs = 0
        let person = ResultPerson(
            firstName: first, lastName: last, dateOfBirth: dob.flatMap { CalendarDate(parsing: $0) }, email: email,
            testingSite: nil, studentID: studentID)
        return matcher.match(person, linkedStudentID: link, pairsCompared: &pairs)
    }

    /// A student with one name is found whichever box the provider put it in, with a placeholder
    /// or the name repeated in the other; someone else with that surname is not taken for them.
    @Test func studentsWithOneNameMatch() {
        let roster = Self.roster + [
            Self.student("S20", "", "Sukarno", "2009-04-12"), Self.student("S21", "Aung", "", "2010-01-30"),
            Self.student("S22", "Budi", "Sukarno", "2009-07-01"),
        ]
        let matcher = Matcher(students: roster, settings: Self.settings, nicknames: Self.nicknames)
        func match(_ first: String?, _ last: String?, _ dob: String?) -> MatchDecision { Self.decide(matcher, first, last, dob) }
        for (first, last) in [(nil, "Sukarno"), ("Sukarno", nil), ("Sukarno", "FNU"), ("Sukarno", "Sukarno"), ("LNU", "Sukarno")] {
            let decision = match(first, last, "2009-04-12")
            #expect(decision.studentID == "S20", "\(first ?? "-") \(last ?? "-"): \(decision.status) \(decision.reason ?? "")")
        }
        #expect(match("Aung", nil, "2010-01-30").studentID == "S21")
        #expect(match(nil, "Aung", "2010-01-30").studentID == "S21")
        #expect(match("Budi", "Sukarno", "2009-07-01").studentID == "S22")
        #expect(match("Sukarno", nil, "2011-02-02").status != .matched)  // the name alone is not enough
    }

    @Test func providerStudentIDWithAgreeingNameMatches() {
        let decision = match("Bill", "Taylor", nil, studentID: "S1")
        #expect(decision.status == .matched)
        #expect(decision.method == .studentID)
        #expect(decision.studentID == "S1")
    }

    @Test func wrongProviderStudentIDIsNotTrusted() {
        // The provider says S1 (William Taylor), but the name is Katherine García-López's.
        let decision = match("Katherine", "Garcia-Lopez", "2009-10-03", studentID: "S1")
        #expect(decision.status == .review)
        #expect(decision.studentID == nil)
        #expect(decision.reason?.contains("does not agree") == true)
        #expect(decision.candidates.map(\.studentID).contains("S2"))
    }

    @Test func knownCandidateLinkMatches() {
        let decision = match("Will", "Tayler", nil, link: "S1")
        #expect(decision.status == .matched)
        #expect(decision.method == .candidateLink)
    }

    @Test func linkWithAnotherPersonsNameGoesToReview() {
        let decision = match("Aaliyah", "Kim", "2009-10-15", link: "S1")
        #expect(decision.status == .review)
    }

    @Test func exactNameAndBirthDate() {
        let decision = match("DANIEL", "KIM", "10/15/2009")
        #expect(decision.status == .matched)
        #expect(decision.method == .exact)
        #expect(decision.studentID == "S3")
    }

    @Test func twinsNeverAutoMatchTheWrongTwinAndWithoutAGivenNameGoToReview() {
        #expect(match("Aaliyah", "Kim", "2009-10-15").studentID == "S4")
        let unsure = match(nil, "Kim", "2009-10-15")
        #expect(unsure.status == .review)
        #expect(Set(unsure.candidates.map(\.studentID)).isSuperset(of: ["S3", "S4"]))
        // A typo in the given name still leans clearly to the right twin, never the other.
        let typo = match("Danniel", "Kim", "2009-10-15")
        #expect(typo.studentID == "S3" || typo.status == .review)
        #expect(typo.studentID != "S4")
    }

    @Test func sameNameDifferentBirthdays() {
        #expect(match("Maria", "Hernandez", "2010-03-07").studentID == "S5")
        #expect(match("Maria", "Hernandez", "2008-11-21").studentID == "S6")
        // Without a date of birth nobody can tell: review, both listed.
        let unsure = match("María", "Hernández", nil)
        #expect(unsure.status == .review)
        #expect(Set(unsure.candidates.prefix(2).map(\.studentID)) == ["S5", "S6"])
    }

    @Test(arguments: [
        ("Bill", "Taylor", "2008-06-05", "S1", "nickname"),  // nickname
        ("Katie", "Garcia-Lopez", "2009-10-03", "S2", "nickname"),  // nickname, accents folded
        ("Katherine", "García", "2009-10-03", "S2", "compound"),  // half a compound surname
        ("Katherine", "Garcia Lopez", "2009-10-03", "S2", "exact"),  // hyphen as a space
        ("Sofia", "Smith, Jr.", "2008-02-14", "S7", "exact"),  // a suffix
        ("Sofia Grace", "Smith", "2008-02-14", "S7", "exact"),  // given and middle name together
        ("Mary Kate", "OBrien", "2008-08-21", "S8", "exact"),  // apostrophe dropped
        ("Jean Luc", "Allen", "2010-09-13", "S10", "exact"),  // hyphenated given name
        ("Wiliam", "Taylor", "2008-06-05", "S1", "similar"),  // a typo
    ])
    func normalizationRules(first: String, last: String, dob: String, expected: String, firstOrLastLevel: String) {
        let decision = match(first, last, dob)
        #expect(decision.status == .matched)
        #expect(decision.studentID == expected)
        let fields = decision.candidates.first { $0.studentID == expected }?.fields
        #expect([fields?.firstName.rawValue, fields?.lastName.rawValue].contains(firstOrLastLevel))
    }

    @Test func swappedNamesMatch() {
        let decision = match("Lee", "Nguyen", "2009-11-19")
        #expect(decision.studentID == "S9")
        #expect(decision.candidates.first?.fields.namesSwapped == true)
    }

    @Test(arguments: [("2008-05-06", "swapped_day_month"), ("2008-06-15", "one_digit")])
    func dateOfBirthSlips(dob: String, level: String) {
        let decision = match("William", "Taylor", dob)
        #expect(decision.candidates.first?.studentID == "S1")
        #expect(decision.candidates.first?.fields.dateOfBirth.rawValue == level)
        #expect(decision.status != .unmatched)
    }

    @Test func emailAgreementCounts() {
        let decision = match("J", "Allen", nil, email: "JL.Allen@students.example.org")
        #expect(decision.candidates.first?.studentID == "S10")
        #expect(decision.candidates.first?.fields.email == .exact)
    }

    /// Names as districts have them: double surnames in either order or one of the two,
    /// particles, family name first, transliterations, initials, a middle name used as the first.
    @Test func namesAsDistrictsHaveThem() {
        let roster = Self.roster + [
            Self.student("S30", "Rosa", "De La Cruz", "2009-02-11"),
            Self.student("S31", "Tomas", "De Leon", "2009-02-11"),
            Self.student("S32", "An", "Nguyen", "2008-12-01", middle: "Van"),
            Self.student("S33", "Mohammed", "Rahman", "2010-05-30"),
            Self.student("S34", "Pieter", "van der Berg", "2008-03-03"),
        ]
        let matcher = Matcher(students: roster, settings: Self.settings, nicknames: Self.nicknames)
        func decide(_ first: String?, _ last: String?, _ dob: String?) -> MatchDecision { Self.decide(matcher, first, last, dob) }
        let cases: [(String?, String?, String?, String, FieldAgreement.Level?)] = [
            ("Katherine", "Lopez Garcia", "2009-10-03", "S2", .compound),  // the two surnames the other way round
            ("Katherine", "Lopez", "2009-10-03", "S2", .compound),  // one of the two
            ("Rosa", "DeLaCruz", "2009-02-11", "S30", .exact),
            ("Rosa", "Cruz", "2009-02-11", "S30", .compound),
            ("Nguyen", "An", "2008-12-01", "S32", nil),  // family name first
            ("Muhammad", "Rahman", "2010-05-30", "S33", nil),
            ("Pieter", "Van Der Berg", "2008-03-03", "S34", .exact),
            ("Grace", "Smith", "2008-02-14", "S7", nil),  // her middle name
        ]
        for (first, last, dob, expected, level) in cases {
            let decision = decide(first, last, dob)
            #expect(decision.status == .matched && decision.studentID == expected, "\(first ?? "") \(last ?? ""): \(decision.status) \(decision.reason ?? "")")
            if let level { #expect(decision.candidates.first?.fields.lastName == level, "\(last ?? "")") }
        }
        #expect(decide("Muhammad", "Rahman", nil).candidates.first?.fields.firstName == .nickname)
        // Sharing a particle is not sharing a surname: Tomas De Leon is not Rosa De La Cruz.
        let other = decide("Tomas", "De La Cruz", "2009-02-11")
        #expect(other.candidates.first { $0.studentID == "S31" }?.fields.lastName != .compound)
        #expect(other.status != .matched, "\(other.candidates.map { "\($0.studentID) \($0.probability) \($0.fields.summary)" })")
        // An initial for the given name agrees as an initial, no more.
        #expect(decide("W", "Taylor", "2008-06-05").candidates.first?.fields.firstName == .initial)
    }

    @Test func strangerIsUnmatched() {
        let decision = match("Zebulon", "Quistgaard", "2001-01-01")
        #expect(decision.status == .unmatched)
    }

    @Test func explanationNamesNoPersonalValues() {
        let decision = match("María", "Hernández", nil)
        let text = decision.candidates.map(\.fields.summary).joined() + (decision.reason ?? "")
        #expect(!text.contains("Hern") && !text.contains("2010"))
    }
}

@Suite struct NormalizationTests {
    @Test func folding() {
        #expect(NameFolding.tokens("García-López") == ["garcia", "lopez"])
        #expect(NameFolding.tokens("O'Brien") == ["obrien"])
        #expect(NameFolding.tokens("Smith, Jr.") == ["smith"])
        #expect(NameFolding.tokens("  MARY  KATE ") == ["mary", "kate"])
        #expect(NameFolding.tokens("Müller III") == ["muller"])
        #expect(NameFolding.tokens(nil).isEmpty)
    }

    @Test func jaroWinkler() {
        #expect(abs(JaroWinkler.similarity("martha", "marhta") - 0.961) < 0.001)
        #expect(abs(JaroWinkler.similarity("dwayne", "duane") - 0.84) < 0.001)
        #expect(JaroWinkler.similarity("kim", "kim") == 1)
        #expect(JaroWinkler.similarity("abc", "xyz") == 0)
    }

    @Test func soundex() {
        #expect(Soundex.code("robert") == "R163")
        #expect(Soundex.code("rupert") == "R163")
        #expect(Soundex.code("ashcraft") == "A261")
        #expect(Soundex.code("tymczak") == "T522")
    }

    @Test func nicknames() throws {
        let table = try NicknameTable.load(path: Fixtures.path("config/nicknames.json"))
        #expect(table.related("bill", "william"))
        #expect(table.related("katie", "katherine"))
        #expect(!table.related("bill", "robert"))
        #expect(table.canonical("bill") == table.canonical("liam"))
    }
}
