public import CertGateCore

/// A roster student as the matcher sees it: folded name tokens and the other compared fields.
public struct RosterPerson: Sendable {
    public var studentID: String
    public let first: [String]
    let middle: [String]
    public let last: [String]
    public let dateOfBirth: CalendarDate?
    let email: String?
    let school: Set<String>
    let names: NameBytes

    public init(studentID: String, firstName: String, middleName: String?, lastName: String, dateOfBirth: CalendarDate?,
        email: String?, school: String?)
    {
        self.studentID = studentID
        let first = NameFolding.tokens(firstName)
        let last = NameFolding.tokens(lastName)
        // A student with one name has it as the surname here, whichever column the SIS used.
        (self.first, self.last) = last.isEmpty ? ([], first) : (first, last)
        middle = NameFolding.tokens(middleName)
        self.dateOfBirth = dateOfBirth
        self.email = NameFolding.email(email)
        self.school = NameBytes.schoolWords(NameFolding.tokens(school))
        names = NameBytes(first: self.first, last: self.last)
    }

    /// The student has one name only.
    var hasSingleName: Bool { first.isEmpty }
}

/// Name tokens as bytes, prepared once so comparing a pair allocates nothing.
struct NameBytes: Sendable {
    let first: [UInt8]
    let firstJoined: [UInt8]
    let last: [[UInt8]]
    let lastJoined: [UInt8]
    /// Soundex of the given name and of the surname, packed (0 for no letters).
    let firstSound: UInt32
    let lastSound: UInt32

    init(first: [String], last: [String]) {
        self.first = Array((first.first ?? "").utf8)
        firstJoined = Array(first.joined().utf8)
        self.last = last.map { Array($0.utf8) }
        lastJoined = Array(last.joined().utf8)
        firstSound = Soundex.packed(self.first)
        // A surname's sound without its particles: "De La Cruz" sounds like "Cruz".
        lastSound = Soundex.packed(Array(last.filter { !NameFolding.particles.contains($0) }.joined().utf8))
    }

    static let ignoredSchoolWords: Set<String> = ["high", "school", "academy", "testing", "center", "the", "of", "hs"]

    /// The words of a school or testing-site name that tell schools apart.
    static func schoolWords(_ tokens: [String]) -> Set<String> { Set(tokens).subtracting(ignoredSchoolWords) }
}

/// A provider's candidate as the matcher sees it.
public struct ResultPerson: Sendable {
    public let first: [String]
    public let last: [String]
    public let dateOfBirth: CalendarDate?
    let email: String?
    let site: Set<String>
    /// The district student ID the provider carried, if any.
    public var studentID: String?
    let names: NameBytes
    let swappedNames: NameBytes

    public init(firstName: String?, lastName: String?, dateOfBirth: CalendarDate?, email: String?, testingSite: String?,
        studentID: String?)
    {
        first = NameFolding.tokens(firstName)
        last = NameFolding.tokens(lastName)
        self.dateOfBirth = dateOfBirth
        self.email = NameFolding.email(email)
        site = NameBytes.schoolWords(NameFolding.tokens(testingSite))
        self.studentID = studentID
        names = NameBytes(first: first, last: last)
        swappedNames = NameBytes(first: last, last: first)
    }

    public init(_ candidate: CanonicalResult.Candidate, testingSite: String?) {
        self.init(
            firstName: candidate.firstName, lastName: candidate.lastName, dateOfBirth: candidate.dateOfBirth,
            email: candidate.email, testingSite: testingSite, studentID: candidate.studentID)
    }
}

/// How well each field agrees between a result and a student: the "reason per field" staff see.
public struct FieldAgreement: Sendable, Codable, Equatable {
    /// Comparison levels, strongest first. Names: `exact`, `nickname` (given names of one
    /// nickname group, transliterations among them), `compound` (one surname of a double surname,
    /// or a particle dropped), `similar` (Jaro–Winkler from `similar_names`, or a given name that is
    /// the student's second or middle name), `phonetic` (same Soundex), `partial` (Jaro–Winkler from
    /// `partly_similar_names`), `initial` (an initial for the name). Birth date: `exact`,
    /// `swapped_day_month`, `one_digit`, `year_only`. Then `different`, or `missing` (weighs nothing).
    public enum Level: String, Sendable, Codable, CaseIterable {
        case exact, nickname, compound, similar, phonetic, partial, initial
        case swappedDayMonth = "swapped_day_month"
        case oneDigit = "one_digit"
        case yearOnly = "year_only"
        case different, missing

        /// Position in `allCases`: an index into parameter tables.
        var ordinal: Int {
            switch self {
            case .exact: 0
            case .nickname: 1
            case .compound: 2
            case .similar: 3
            case .phonetic: 4
            case .partial: 5
            case .initial: 6
            case .swappedDayMonth: 7
            case .oneDigit: 8
            case .yearOnly: 9
            case .different: 10
            case .missing: 11
            }
        }
    }

    public var firstName: Level
    public var lastName: Level
    public var dateOfBirth: Level
    public var email: Level
    public var school: Level
    /// First and last name agree only when swapped.
    public var namesSwapped: Bool

    enum CodingKeys: String, CodingKey {
        case email, school
        case firstName = "first_name", lastName = "last_name", dateOfBirth = "date_of_birth", namesSwapped = "names_swapped"
    }

    /// A name or the birth date disagrees outright: someone the close keys miss may agree on it.
    var disagrees: Bool {
        firstName == .different || lastName == .different || dateOfBirth == .different || dateOfBirth == .yearOnly
    }

    /// "first name nickname, last name exact, date of birth swapped day/month": no values, so it
    /// can be shown and logged safely.
    public var summary: String {
        var parts = [
            "first name \(firstName.rawValue)", "last name \(lastName.rawValue)",
            "date of birth \(dateOfBirth.rawValue.replacingOccurrences(of: "_", with: " "))",
        ]
        if email != .missing { parts.append("email \(email.rawValue)") }
        if namesSwapped { parts.append("first and last name swapped") }
        return parts.joined(separator: ", ")
    }
}
