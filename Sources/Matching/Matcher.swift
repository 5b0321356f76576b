import CertGateCore
import Foundation

/// What the matcher decided for one result.
public struct MatchDecision: Sendable {
    public enum Status: String, Sendable, Codable {
        case matched, review, unmatched
    }

    public enum Method: String, Sendable, Codable {
        case studentID = "student_id"
        case candidateLink = "candidate_link"
        case exact = "name_and_birth_date"
        case probabilistic
    }

    /// One roster student considered, with its score and the agreement of each field.
    public struct Candidate: Sendable, Codable, Equatable {
        public var studentID: String
        public var score: Double
        public var fields: FieldAgreement

        enum CodingKeys: String, CodingKey {
            case score, fields
            case studentID = "student_id"
        }
    }

    public var status: Status
    public var method: Method?
    /// The matched student (only when `status == .matched`).
    public var studentID: String?
    public var score: Double?
    /// Best first; for review, the students a person should choose from.
    public var candidates: [Candidate]
    /// Why a result went to review or stayed unmatched, in plain words.
    public var reason: String?
}

/// Matches provider results to roster students, in the order of the issue: a provider-carried
/// student ID whose name agrees, a known candidate link, exact name and date of birth, then
/// Fellegi–Sunter scoring over candidates found by blocking keys (so the pairs compared grow
/// about linearly with the roster).
public final class Matcher: Sendable {
    private let students: [RosterPerson]
    private let byID: [String: Int32]
    private let blocks: BlockIndex
    private let comparison: FieldComparison
    public let settings: MatchSettings

    public init(students: [RosterPerson], settings: MatchSettings, nicknames: NicknameTable) {
        self.students = students
        self.settings = settings
        comparison = FieldComparison(settings: settings, nicknames: nicknames, students: students)
        var byID: [String: Int32] = [:]
        byID.reserveCapacity(students.count)
        for (index, student) in students.enumerated() { byID[student.studentID] = Int32(index) }
        self.byID = byID
        blocks = BlockIndex(students: students, nicknames: nicknames)
    }

    public var rosterSize: Int { students.count }

    /// Decides one result.
    /// - Parameters:
    ///   - linkedStudentID: the student this provider's candidate ID is linked to, if known.
    ///   - pairsCompared: counts the (result, student) pairs scored, for the benchmark.
    public func match(_ person: ResultPerson, linkedStudentID: String? = nil, pairsCompared: inout Int) -> MatchDecision {
        // 1. A student ID the provider carried, trusted only when the name roughly agrees.
        if let id = person.studentID, let index = byID[id] {
            let (fields, score) = comparison.compare(person, students[Int(index)], index: Int(index))
            pairsCompared += 1
            let candidate = MatchDecision.Candidate(studentID: id, score: score, fields: fields)
            if namesAgree(fields) {
                return MatchDecision(status: .matched, method: .studentID, studentID: id, score: score, candidates: [candidate], reason: nil)
            }
            var others = probabilisticCandidates(person, pairsCompared: &pairsCompared).filter { $0.studentID != id }
            others.insert(candidate, at: 0)
            return MatchDecision(
                status: .review, method: .studentID, studentID: nil, score: score,
                candidates: Array(others.prefix(settings.reviewCandidates)),
                reason: "the provider's student ID \(id) belongs to a student whose name does not agree (\(fields.summary))")
        }
        // 2. A link staff confirmed (or an earlier confident match taught).
        if let linked = linkedStudentID, let index = byID[linked] {
            let (fields, score) = comparison.compare(person, students[Int(index)], index: Int(index))
            pairsCompared += 1
            let candidate = MatchDecision.Candidate(studentID: linked, score: score, fields: fields)
            if namesAgree(fields) || (fields.firstName == .missing && fields.lastName == .missing) {
                return MatchDecision(
                    status: .matched, method: .candidateLink, studentID: linked, score: score, candidates: [candidate], reason: nil)
            }
            return MatchDecision(
                status: .review, method: .candidateLink, studentID: nil, score: score, candidates: [candidate],
                reason: "this candidate ID is linked to student \(linked), but the name does not agree (\(fields.summary))")
        }
        let candidates = probabilisticCandidates(person, pairsCompared: &pairsCompared)
        guard let best = candidates.first else {
            return MatchDecision(status: .unmatched, method: nil, studentID: nil, score: nil, candidates: [], reason: "no roster student is similar")
        }
        // 3. Exact agreement on name and date of birth.
        let exact = candidates.filter {
            $0.fields.firstName == .exact && $0.fields.lastName == .exact && $0.fields.dateOfBirth == .exact && !$0.fields.namesSwapped
        }
        if exact.count == 1 && exact[0].studentID == best.studentID {
            return MatchDecision(
                status: .matched, method: .exact, studentID: best.studentID, score: best.score,
                candidates: Array(candidates.prefix(settings.reviewCandidates)), reason: nil)
        }
        // 4. Scores: auto only when clearly best.
        let runnerUp = candidates.count > 1 ? candidates[1].score : -Double.infinity
        let shown = Array(candidates.prefix(settings.reviewCandidates))
        if best.score >= settings.autoThreshold && best.score - runnerUp >= settings.autoMargin && exact.count <= 1 {
            return MatchDecision(
                status: .matched, method: .probabilistic, studentID: best.studentID, score: best.score, candidates: shown, reason: nil)
        }
        if best.score >= settings.reviewThreshold {
            let why: String
            if best.score >= settings.autoThreshold {
                why = "two or more students score alike (\(format(best.score)) and \(format(runnerUp)))"
            } else {
                why = "the best score \(format(best.score)) is below the auto-match threshold \(format(settings.autoThreshold))"
            }
            return MatchDecision(status: .review, method: .probabilistic, studentID: nil, score: best.score, candidates: shown, reason: why)
        }
        return MatchDecision(
            status: .unmatched, method: .probabilistic, studentID: nil, score: best.score, candidates: shown,
            reason: "the best score \(format(best.score)) is below the review threshold \(format(settings.reviewThreshold))")
    }

    /// The students blocking puts before the scoring for a result (its close and its wide keys):
    /// the benchmark's blocking recall is how often the true student is among them.
    public func blockedStudentIDs(for person: ResultPerson) -> Set<String> {
        Set((blocks.candidates(for: person) + blocks.candidates(for: person, wide: true)).map { students[Int($0)].studentID })
    }

    /// Candidates from the blocking keys, scored, best first.
    func probabilisticCandidates(_ person: ResultPerson, pairsCompared: inout Int) -> [MatchDecision.Candidate] {
        let tight = score(blocks.candidates(for: person), person, pairsCompared: &pairsCompared)
        if let best = tight.first, best.score >= settings.autoThreshold { return tight }
        // No clear match among the close candidates: look wider before giving up.
        return score(blocks.candidates(for: person, wide: true), person, pairsCompared: &pairsCompared)
    }

    private func score(_ indices: [Int32], _ person: ResultPerson, pairsCompared: inout Int) -> [MatchDecision.Candidate] {
        pairsCompared += indices.count
        var scored: [MatchDecision.Candidate] = []
        scored.reserveCapacity(indices.count)
        for index in indices {
            let student = students[Int(index)]
            let (fields, score) = comparison.compare(person, student, index: Int(index))
            scored.append(MatchDecision.Candidate(studentID: student.studentID, score: score, fields: fields))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.studentID < $1.studentID }
        return scored
    }

    /// A rough name agreement: enough to trust an ID, not enough to match without one.
    private func namesAgree(_ fields: FieldAgreement) -> Bool {
        let good: Set<FieldAgreement.Level> = [.exact, .nickname, .compound, .similar]
        return good.contains(fields.lastName) && (good.contains(fields.firstName) || fields.firstName == .missing)
    }

    private func format(_ score: Double) -> String { String(format: "%.1f", score) }
}
