public import Foundation

/// One exam attempt as every adapter reports it, whatever the provider's own format.
///
/// Values a provider leaves empty stay nil: students leave names and birth dates blank or
/// mistyped, so nothing here is guessed.
public struct CanonicalResult: Sendable, Hashable, Codable {
    /// The outcome the provider reports.
    public enum Outcome: String, Sendable, Codable {
        case pass, fail, provisional
    }

    /// The provider's identification of the person who sat the exam.
    public struct Candidate: Sendable, Hashable, Codable {
        public var candidateID: String?
        public var firstName: String?
        public var lastName: String?
        public var dateOfBirth: CalendarDate?
        public var email: String?
        /// The district's student ID, when the provider carries one.
        public var studentID: String?

        public init(
            candidateID: String? = nil, firstName: String? = nil, lastName: String? = nil,
            dateOfBirth: CalendarDate? = nil, email: String? = nil, studentID: String? = nil
        ) {
            self.candidateID = candidateID
            self.firstName = firstName
            self.lastName = lastName
            self.dateOfBirth = dateOfBirth
            self.email = email
            self.studentID = studentID
        }
    }

    /// Where the result came from, so every stored value traces back to raw bytes.
    public struct SourceReference: Sendable, Hashable, Codable {
        /// The feed: a URL without its query, or a file name.
        public var feed: String
        public var page: Int?
        /// The line (CSV) or record index (JSON) within the page.
        public var record: Int?
        public var fetchedAt: Date

        public init(feed: String, page: Int? = nil, record: Int? = nil, fetchedAt: Date) {
            self.feed = feed
            self.page = page
            self.record = record
            self.fetchedAt = fetchedAt
        }
    }

    public var providerID: String
    /// Stable across re-pulls: the same attempt always has the same key.
    public var recordKey: String
    public var candidate: Candidate
    public var examCode: String
    public var examTitle: String?
    /// The attempt's instant; `timeZone` is the testing site's zone it was reported in.
    public var attemptedAt: Date
    public var timeZone: String
    public var score: Double?
    public var passingScore: Double?
    public var outcome: Outcome
    public var certificateNumber: String?
    public var proctor: String?
    public var testingSite: String?
    public var expiresOn: CalendarDate?
    public var source: SourceReference

    public init(
        providerID: String, recordKey: String, candidate: Candidate, examCode: String, examTitle: String?,
        attemptedAt: Date, timeZone: String, score: Double?, passingScore: Double?, outcome: Outcome,
        certificateNumber: String?, proctor: String?, testingSite: String?, expiresOn: CalendarDate?,
        source: SourceReference
    ) {
        self.providerID = providerID
        self.recordKey = recordKey
        self.candidate = candidate
        self.examCode = examCode
        self.examTitle = examTitle
        self.attemptedAt = attemptedAt
        self.timeZone = timeZone
        self.score = score
        self.passingScore = passingScore
        self.outcome = outcome
        self.certificateNumber = certificateNumber
        self.proctor = proctor
        self.testingSite = testingSite
        self.expiresOn = expiresOn
        self.source = source
    }
}
