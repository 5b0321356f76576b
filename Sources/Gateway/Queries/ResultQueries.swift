public import Matching
import Foundation
import Store

/// A stored match's status: the matcher's three, and staff's two.
public enum MatchStatus: String, Sendable, Codable, CaseIterable {
    case matched, review, unmatched, confirmed, rejected
}

/// One stored result with its match, as the command line and the console show it: no names,
/// no dates of birth.
public struct ResultListing: Sendable, Encodable {
    public var id: Int
    public var providerID: String
    public var recordKey: String
    public var candidateID: String?
    public var examCode: String
    public var attemptedAt: String
    public var score: Double?
    public var passingScore: Double?
    public var outcome: String
    public var certificateNumber: String?
    public var studentID: String?
    public var matchStatus: MatchStatus?
    public var matchMethod: String?
    /// Bits, to one decimal.
    public var matchScore: Double?
    /// To four decimals.
    public var matchProbability: Double?
    public var matchReason: String?
    /// How the fields of the matched (or best) candidate agree.
    public var fieldAgreement: FieldAgreement?
    /// For results in review or unmatched: the students a person should choose from.
    public var candidates: [MatchDecision.Candidate]?

    enum CodingKeys: String, CodingKey {
        case id, score, outcome, candidates
        case providerID = "provider_id", recordKey = "record_key", candidateID = "candidate_id", examCode = "exam_code"
        case attemptedAt = "attempted_at", passingScore = "passing_score", certificateNumber = "certificate_number"
        case studentID = "student_id", matchStatus = "match_status", matchMethod = "match_method", matchScore = "match_score"
        case matchProbability = "match_probability", matchReason = "match_reason", fieldAgreement = "field_agreement"
    }
}

extension Gateway {
    /// Stored results, by provider and time.
    /// - Parameters:
    ///   - provider: only this provider's.
    ///   - undecided: only results with no student yet (never matched, in review or unmatched).
    ///   - id: only this result.
    ///   - student: only the results matched or confirmed to this student.
    ///   - limit, offset: one page of them.
    public func results(
        provider: String? = nil, undecided: Bool = false, id: Int? = nil, student: String? = nil, limit: Int? = nil, offset: Int = 0
    ) throws -> [ResultListing] {
        try database.read { transaction in
            var listings: [ResultListing] = []
            try transaction.forEach(
                """
                SELECT r.id, r.provider_id, r.record_key, r.candidate_id, r.exam_code, r.attempted_at, r.score, r.passing_score,
                       r.outcome, r.certificate_number, m.student_id, m.status, m.method, m.score, m.probability, m.details
                FROM exam_results r LEFT JOIN matches m ON m.result_id = r.id
                WHERE (?1 IS NULL OR r.provider_id = ?1) AND (?2 = 0 OR m.status IS NULL OR m.status IN ('review', 'unmatched'))
                  AND (?3 IS NULL OR r.id = ?3) AND (?4 IS NULL OR (m.student_id = ?4 AND m.status IN ('matched', 'confirmed')))
                ORDER BY r.provider_id, r.attempted_at, r.id LIMIT ?5 OFFSET ?6
                """, [provider, undecided, id, student, limit ?? -1, offset]
            ) { row in
                var listing = ResultListing(
                    id: row[0].int ?? 0, providerID: row[1].string ?? "", recordKey: row[2].string ?? "", candidateID: row[3].string,
                    examCode: row[4].string ?? "", attemptedAt: row[5].string ?? "", score: row[6].double, passingScore: row[7].double,
                    outcome: row[8].string ?? "", certificateNumber: row[9].string, studentID: row[10].string,
                    matchStatus: row[11].string.flatMap(MatchStatus.init), matchMethod: row[12].string,
                    matchScore: row[13].double.map { ($0 * 10).rounded() / 10 },
                    matchProbability: row[14].double.map { ($0 * 10_000).rounded() / 10_000 })
                if let details = row[15].string.flatMap(MatchDetails.init(json:)) {
                    listing.matchReason = details.reason
                    let chosen = details.candidates.first { $0.studentID == listing.studentID } ?? details.candidates.first
                    listing.fieldAgreement = chosen?.fields
                    if listing.matchStatus == .review || listing.matchStatus == .unmatched { listing.candidates = details.candidates }
                }
                listings.append(listing)
            }
            return listings
        }
    }

    /// How many results have no student yet (the match review's count).
    public func undecidedResultCount() throws -> Int {
        try database.read { transaction in
            try transaction.scalar(
                """
                SELECT COUNT(*) FROM exam_results r LEFT JOIN matches m ON m.result_id = r.id
                WHERE m.status IS NULL OR m.status IN ('review', 'unmatched')
                """
            ).int ?? 0
        }
    }
}
