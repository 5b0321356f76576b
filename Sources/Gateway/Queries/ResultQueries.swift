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
        var conditions = QueryConditions()
        conditions.add("r.provider_id = ?", ifGiven: provider)
        if undecided { conditions.add("m.status IS NULL OR m.status IN ('review', 'unmatched')") }
        conditions.add("r.id = ?", ifGiven: id)
        conditions.add("m.student_id = ? AND m.status IN ('matched', 'confirmed')", ifGiven: student)
        return try database.read { transaction in
            var listings: [ResultListing] = []
            try transaction.forEach(
                """
                SELECT r.id, r.provider_id, r.record_key, r.candidate_id, r.exam_code, r.attempted_at, r.score, r.passing_score,
                       r.outcome, r.certificate_number, m.student_id, m.status, m.method, m.score, m.probability, m.details
                FROM exam_results r LEFT JOIN matches m ON m.result_id = r.id \(conditions.sql)
                ORDER BY r.provider_id, r.attempted_at, r.id LIMIT ? OFFSET ?
                """, conditions.arguments + [limit ?? Int.max, offset]
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

    /// Results a person must decide (in review, or matched to no one), the match review's queue,
    /// a page at a time; read through the index of match statuses.
    public func reviewQueue(limit: Int, offset: Int) throws -> [ResultListing] {
        let ids = try database.read { transaction in
            try transaction.query(
                """
                SELECT m.result_id FROM matches m JOIN exam_results r ON r.id = m.result_id WHERE m.status IN ('review', 'unmatched')
                ORDER BY r.provider_id, r.attempted_at, r.id LIMIT ? OFFSET ?
                """, [limit, offset]
            ).compactMap { $0[0].int }
        }
        return try ids.compactMap { try results(id: $0).first }
    }

    /// How many results are in the match review's queue.
    public func reviewQueueCount() throws -> Int {
        try database.read { try $0.scalar("SELECT COUNT(*) FROM matches WHERE status IN ('review', 'unmatched')").int ?? 0 }
    }
}
