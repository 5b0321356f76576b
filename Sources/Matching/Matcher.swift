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
        /// log2 of the Bayes factor for "same person": the sum of the fields' weights, in bits.
        public var score: Double
        /// The probability that this student is the result's, given every candidate considered
        /// and the chance that the result's student is not in the roster at all.
        public var probability: Double
        public var fields: FieldAgreement

        enum CodingKeys: String, CodingKey {
            case score, probability, fields
            case studentID = "student_id"
        }

        public init(studentID: String, score: Double, probability: Double, fields: FieldAgreement) {
            self.studentID = studentID
            self.score = score
            self.probability = probability
            self.fields = fields
        }

        /// Decisions stored before match probabilities existed read as probability 0.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            studentID = try container.decode(String.self, forKey: .studentID)
            score = try container.decodeIfPresent(Double.self, forKey: .score) ?? 0
            probability = try container.decodeIfPresent(Double.self, forKey: .probability) ?? 0
            fields = try container.decode(FieldAgreement.self, forKey: .fields)
        }
    }

    public var status: Status
    public var method: Method?
    /// The matched student (only when `status == .matched`).
    public var studentID: String?
    public var score: Double?
    /// The best candidate's match probability.
    public var probability: Double?
    /// Best first; for review, the students a person should choose from.
    public var candidates: [Candidate]
    /// Why a result went to review or stayed unmatched, in plain words.
    public var reason: String?
}

/// The roster as the matcher reads it: students, their IDs, the blocking index and the
/// comparison. Built once per roster (seconds for a state's), shared by every parameter set.
final class MatchRoster: Sendable {
    let students: [RosterPerson]
    let byID: [String: Int32]
    let blocks: BlockIndex
    let comparison: FieldComparison
    /// Each student has one name only (read per pair scored, so kept apart from the students).
    let singleName: [Bool]

    init(students: [RosterPerson], settings: MatchSettings, nicknames: NicknameTable) {
        self.students = students
        comparison = FieldComparison(settings: settings, nicknames: nicknames, students: students)
        singleName = students.map(\.hasSingleName)
        var byID: [String: Int32] = [:]
        byID.reserveCapacity(students.count)
        for (index, student) in students.enumerated() { byID[student.studentID] = Int32(index) }
        self.byID = byID
        blocks = BlockIndex(students: students, nicknames: nicknames)
    }

    /// Every student blocking puts before the scoring for a result (close and wide keys).
    func blocked(_ person: ResultPerson) -> Set<Int32> {
        Set(blocks.candidates(for: person)).union(blocks.candidates(for: person, wide: true))
    }
}

/// Matches provider results to roster students, in the order of the issue: a provider-carried
/// student ID whose name agrees, a known candidate link, exact name and date of birth, then
/// Fellegi–Sunter scoring over candidates found by blocking keys (so the pairs compared grow
/// about linearly with the roster). Scores are turned into match probabilities with the
/// parameters' share of results in the roster and the roster's size as the prior.
public final class Matcher: Sendable {
    let roster: MatchRoster
    public let settings: MatchSettings
    public let parameters: MatchParameters
    private let table: ScoreTable
    /// log2 of the prior odds that a result is one given student, and of the chance it is nobody's.
    private let logPrior: Double
    private let logNobody: Double

    public convenience init(students: [RosterPerson], settings: MatchSettings, nicknames: NicknameTable) {
        self.init(roster: MatchRoster(students: students, settings: settings, nicknames: nicknames), settings: settings,
            parameters: settings.startingParameters)
    }

    init(roster: MatchRoster, settings: MatchSettings, parameters: MatchParameters) {
        self.roster = roster
        self.settings = settings
        self.parameters = parameters
        table = ScoreTable(parameters)
        let population = Double(max(roster.students.count, settings.minimumPopulation))
        logPrior = log2(parameters.inRoster / population)
        logNobody = log2(1 - parameters.inRoster)
    }

    /// The same roster matched with other parameters (a run's trained ones).
    public func using(_ parameters: MatchParameters) -> Matcher {
        Matcher(roster: roster, settings: settings, parameters: parameters)
    }

    public var rosterSize: Int { roster.students.count }

    /// Decides one result.
    /// - Parameters:
    ///   - linkedStudentID: the student this provider's candidate ID is linked to, if known.
    ///   - pairsCompared: counts the (result, student) pairs scored, for the benchmark.
    public func match(_ person: ResultPerson, linkedStudentID: String? = nil, pairsCompared: inout Int) -> MatchDecision {
        // 1. A student ID the provider carried, trusted only when the name roughly agrees.
        if let id = person.studentID, let index = roster.byID[id] {
            let candidate = withProbabilities(score([index], person, pairsCompared: &pairsCompared))[0]
            if namesAgree(candidate.fields) {
                return decision(.matched, .studentID, id, [candidate], reason: nil)
            }
            var others = probabilisticCandidates(person, pairsCompared: &pairsCompared).filter { $0.studentID != id }
            others.insert(candidate, at: 0)
            return decision(.review, .studentID, nil, Array(others.prefix(settings.reviewCandidates)),
                reason: "the provider's student ID \(id) belongs to a student whose name does not agree (\(candidate.fields.summary))")
        }
        // 2. A link staff confirmed (or an earlier confident match taught).
        if let linked = linkedStudentID, let index = roster.byID[linked] {
            let candidate = withProbabilities(score([index], person, pairsCompared: &pairsCompared))[0]
            if namesAgree(candidate.fields) || (candidate.fields.firstName == .missing && candidate.fields.lastName == .missing) {
                return decision(.matched, .candidateLink, linked, [candidate], reason: nil)
            }
            return decision(.review, .candidateLink, nil, [candidate],
                reason: "this candidate ID is linked to student \(linked), but the name does not agree (\(candidate.fields.summary))")
        }
        let candidates = probabilisticCandidates(person, pairsCompared: &pairsCompared)
        guard let best = candidates.first else {
            return MatchDecision(
                status: .unmatched, method: nil, studentID: nil, score: nil, probability: nil, candidates: [],
                reason: "no roster student is similar")
        }
        let shown = Array(candidates.prefix(settings.reviewCandidates))
        // 3. Exact agreement on name and date of birth.
        let exact = candidates.filter {
            $0.fields.firstName == .exact && $0.fields.lastName == .exact && $0.fields.dateOfBirth == .exact && !$0.fields.namesSwapped
        }
        if exact.count == 1 && exact[0].studentID == best.studentID {
            return decision(.matched, .exact, best.studentID, shown, reason: nil)
        }
        // 4. Match probabilities: auto only when clearly the one.
        let runnerUp = candidates.count > 1 ? candidates[1].probability : 0
        if best.probability >= settings.autoProbability && best.probability - runnerUp >= settings.autoMargin && exact.count <= 1 {
            return decision(.matched, .probabilistic, best.studentID, shown, reason: nil)
        }
        if best.probability >= settings.reviewProbability {
            let why: String
            if best.probability >= settings.autoProbability || exact.count > 1 {
                why = "two or more students are alike (match probabilities \(percent(best.probability)) and \(percent(runnerUp)))"
            } else {
                why = "the best match probability \(percent(best.probability)) is below the auto-match threshold \(percent(settings.autoProbability))"
            }
            return decision(.review, .probabilistic, nil, shown, reason: why)
        }
        return decision(.unmatched, .probabilistic, nil, shown,
            reason: "the best match probability \(percent(best.probability)) is below the review threshold \(percent(settings.reviewProbability))")
    }

    private func decision(
        _ status: MatchDecision.Status, _ method: MatchDecision.Method, _ studentID: String?, _ candidates: [MatchDecision.Candidate],
        reason: String?
    ) -> MatchDecision {
        MatchDecision(
            status: status, method: method, studentID: studentID, score: candidates.first?.score,
            probability: candidates.first?.probability, candidates: candidates, reason: reason)
    }

    /// The students blocking puts before the scoring for a result (its close and its wide keys):
    /// the benchmark's blocking recall is how often the true student is among them.
    public func blockedStudentIDs(for person: ResultPerson) -> Set<String> {
        Set(roster.blocked(person).map { roster.students[Int($0)].studentID })
    }

    /// Candidates from the blocking keys, scored, best first, with their probabilities.
    func probabilisticCandidates(_ person: ResultPerson, pairsCompared: inout Int) -> [MatchDecision.Candidate] {
        let tight = withProbabilities(score(roster.blocks.candidates(for: person), person, pairsCompared: &pairsCompared))
        if let best = tight.first {
            if best.probability >= settings.autoProbability && !best.fields.disagrees { return tight }
            // Names agree and the birth date does or is not given: the close keys found every
            // student who could agree better (the wider ones add only weaker name agreement).
            if namesAgree(best.fields) && (best.fields.dateOfBirth == .exact || best.fields.dateOfBirth == .missing) { return tight }
        }
        // No clear match among the close candidates, or one that disagrees on a name or the
        // birth date (someone the close keys miss may agree on it): look wider.
        return withProbabilities(score(roster.blocks.candidates(for: person, wide: true), person, pairsCompared: &pairsCompared))
    }

    private func score(_ indices: [Int32], _ person: ResultPerson, pairsCompared: inout Int) -> [MatchDecision.Candidate] {
        pairsCompared += indices.count
        var scored: [MatchDecision.Candidate] = []
        scored.reserveCapacity(indices.count)
        for index in indices {
            let student = roster.students[Int(index)]
            let fields = roster.comparison.compare(person, student)
            scored.append(
                MatchDecision.Candidate(studentID: student.studentID, score: score(fields, index: Int(index)), probability: 0, fields: fields))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.studentID < $1.studentID }
        return scored
    }

    /// The score of an agreement with the student at `index`, in bits.
    func score(_ fields: FieldAgreement, index: Int) -> Double {
        roster.comparison.score(fields, index: index, single: roster.singleName[index], table)
    }

    /// The score of an agreement with a student whose name frequencies are given (training).
    func score(_ fields: FieldAgreement, names: StudentNameFrequency) -> Double {
        roster.comparison.score(fields, names: names, table)
    }

    /// What scoring needs of the student at `index`.
    func nameFrequency(_ index: Int32) -> StudentNameFrequency {
        StudentNameFrequency(
            first: roster.comparison.firstNameLogFrequency[Int(index)], last: roster.comparison.lastNameLogFrequency[Int(index)],
            single: roster.singleName[Int(index)])
    }

    /// Each candidate's probability of being the result's student.
    private func withProbabilities(_ candidates: [MatchDecision.Candidate]) -> [MatchDecision.Candidate] {
        var result = candidates
        for (index, probability) in probabilities(candidates.map(\.score)).enumerated() { result[index].probability = probability }
        return result
    }

    /// For candidates' scores, each one's probability of being the result's student: its prior
    /// odds times its Bayes factor, over the sum for every candidate plus the chance the student
    /// is not in the roster (in log space, so large scores do not overflow).
    func probabilities(_ scores: [Double]) -> [Double] {
        let logs = scores.map { $0 + logPrior }
        let top = max(logs.max() ?? logNobody, logNobody)
        let total = logs.reduce(exp2(logNobody - top)) { $0 + exp2($1 - top) }
        return logs.map { exp2($0 - top) / total }
    }

    /// A rough name agreement: enough to trust an ID, not enough to match without one.
    private func namesAgree(_ fields: FieldAgreement) -> Bool {
        let good: Set<FieldAgreement.Level> = [.exact, .nickname, .compound, .similar]
        return good.contains(fields.lastName) && (good.contains(fields.firstName) || fields.firstName == .missing)
    }

    private func percent(_ probability: Double) -> String { String(format: "%.1f%%", probability * 100) }
}
