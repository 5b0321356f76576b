import CertGateCore
import Foundation
import Matching
import Store
import Synchronization

/// What a matching run decided.
public struct MatchSummary: Sendable, Codable, Equatable {
    public var considered = 0
    public var matched = 0
    public var review = 0
    public var unmatched = 0
    /// The run's number: its learned parameters are `certgate match parameters --run N`.
    public var run: Int?
    /// How long the run took (learning, matching and storing the decisions).
    public var seconds = 0.0

    public init() {}
}

/// Runs the matcher over stored results and records the decisions: the match row, a learned
/// candidate link for a confident match, and a review or unmatched task (resolved again when a
/// later run, or staff, settles the result). Results staff decided (confirmed, rejected) are
/// never touched.
struct MatchRun {
    enum Scope {
        /// Results never matched, or changed since they were (after a pull or an import).
        case changed
        /// Results still undecided: review and unmatched (after a roster import).
        case undecided
        /// One provider candidate's undecided results (after staff teach a link).
        case candidate(provider: String, candidateID: String)

        /// As `match_runs.scope` records it.
        var name: String {
            switch self {
            case .changed: "changed"
            case .undecided: "undecided"
            case .candidate: "candidate"
            }
        }
    }

    let database: Database
    let configDirectory: String
    let actor: String

    /// Results are read, matched and recorded this many at a time: memory stays flat for a
    /// state-sized import, and each write transaction is short, so uploads and reviews running
    /// at the same time are not kept waiting. A run stopped between batches is finished by the next
    /// one (the results left are still pending).
    static let batchSize = 50_000

    /// What matching needs besides the results: loaded once per run, when there is work.
    private struct Context {
        var matcher: Matcher
        var schools: [String: String]
        /// `provider␟candidate` → student; links this run teaches are added as it goes.
        var links: [String: String]

        func link(_ result: PendingResult) -> String? {
            result.candidateID.flatMap { links["\(result.providerID)\u{1F}\($0)"] }
        }

        /// Learns the links a batch's confident matches teach, in result order (a candidate
        /// already linked teaches nothing); returns which results teach one.
        mutating func learn(_ batch: [PendingResult], _ plans: [Plan]) -> [Bool] {
            zip(batch, plans).map { result, plan in
                guard plan.decision.status == .matched, let student = plan.decision.studentID, let candidate = result.candidateID
                else { return false }
                let key = "\(result.providerID)\u{1F}\(candidate)"
                guard links[key] == nil else { return false }
                links[key] = student
                return true
            }
        }
    }

    /// - Parameters:
    ///   - roster: the roster index, when built ahead (a pull builds it while fetching).
    ///   - progress: called after each batch with the counts so far.
    func run(_ scope: Scope, roster: RosterIndex? = nil, progress: (MatchSummary) -> Void = { _ in }) throws -> MatchSummary {
        let started = Date()
        var summary = MatchSummary()
        func pending(after id: Int) throws -> [PendingResult] {
            try database.read { try Self.pendingResults(scope, after: id, limit: Self.batchSize, $0) }
        }
        var batch = try pending(after: 0)
        guard !batch.isEmpty else { return summary }
        var context = try loadContext(roster)
        // Learn this run's parameters from its first batch and staff's decisions, and keep them.
        let labels = try database.read { try Self.staffDecisions($0) }
        let (parameters, training) = ParameterTraining.train(context.matcher, results: batch.map(\.person), labels: labels)
        context.matcher = context.matcher.using(parameters)
        let runID = try database.write { transaction in
            try transaction.insertReturningID(
                """
                INSERT INTO match_runs (started_at, actor, scope, roster_size, parameters, training) VALUES (?, ?, ?, ?, ?, ?)
                """,
                [Timestamp.string(started), actor, scope.name, context.matcher.rosterSize, try JSONEncoder.sortedString(parameters),
                 try JSONEncoder.sortedString(training)])
        }
        summary.run = runID
        var plans = match(batch, context)
        while true {
            let teaches = context.learn(batch, plans)
            // The next batch is matched (with the links this one taught) on the other core while
            // this one is written.
            let next = try pending(after: batch.last!.id)
            let nextPlans = Background { [context] in next.isEmpty ? [] : match(next, context) }
            let now = Date()
            try database.writeRetrying { transaction in
                // Two workers' matching runs (PostgreSQL) write one batch at a time.
                try transaction.serialize("certgate matching")
                try record(batch, plans, run: runID, teachesLink: teaches, transaction, now: now)
                for (result, plan) in zip(batch, plans) {
                    try settleTasks(result, plan, schools: context.schools, transaction, now: now)
                }
            }
            for plan in plans {
                summary.considered += 1
                switch plan.decision.status {
                case .matched: summary.matched += 1
                case .review: summary.review += 1
                case .unmatched: summary.unmatched += 1
                }
            }
            progress(summary)
            plans = nextPlans.take()
            guard !next.isEmpty else { break }
            batch = next
        }
        guard summary.considered > 0 else { return summary }
        try database.write { transaction in
            try AuditLog.append(
                transaction, actor: actor, action: "match.run", subjectType: "exam_results", subjectID: "\(summary.considered)",
                after: try JSONEncoder.sortedString(summary))
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// - Parameter prepared: an index built ahead, used if the roster has not changed since.
    private func loadContext(_ prepared: RosterIndex?) throws -> Context {
        try database.read { transaction in
            let roster =
                try prepared.flatMap { try $0.fingerprint == RosterIndex.fingerprint(transaction) ? $0 : nil }
                ?? RosterIndex(transaction, configDirectory: configDirectory)
            var links: [String: String] = [:]
            try transaction.forEach("SELECT provider_id, candidate_id, student_id FROM candidate_links") {
                links["\($0[0].string ?? "")\u{1F}\($0[1].string ?? "")"] = $0[2].string
            }
            return Context(matcher: roster.matcher, schools: roster.schools, links: links)
        }
    }

    /// A decision with the text that records it, worked out before the write transaction.
    struct Plan: Sendable {
        var decision: MatchDecision
        var details: String
        /// For a task (review or unmatched).
        var explanation: String?
    }

    /// Plans in the order of `pending`. Results are independent: they are matched (and their
    /// details written out) on every core.
    private func match(_ pending: [PendingResult], _ context: Context) -> [Plan] {
        let chunks = max(1, min(64, pending.count / 256))
        let decided = Mutex<[Int: [Plan]]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var pairs = 0
            var local: [Plan] = []
            for index in stride(from: chunk, to: pending.count, by: chunks) {
                let result = pending[index]
                let decision = context.matcher.match(result.person, linkedStudentID: context.link(result), pairsCompared: &pairs)
                local.append(
                    Plan(
                        decision: decision, details: MatchDetails(reason: decision.reason, candidates: decision.candidates).json,
                        explanation: decision.status == .matched ? nil : explanation(result, decision)))
            }
            decided.withLock { $0[chunk] = local }
        }
        let byChunk = decided.withLock { $0 }
        return pending.indices.map { byChunk[$0 % chunks]![$0 / chunks] }
    }

    /// Stores a batch's decisions and the links its confident matches teach, many rows to a
    /// statement.
    /// - Parameter teachesLink: per result, whether it is the first confident match of a
    ///   candidate not yet linked: the link is stored, unless staff taught one meanwhile.
    private func record(
        _ batch: [PendingResult], _ plans: [Plan], run: Int, teachesLink: [Bool], _ transaction: Transaction, now: Date
    ) throws {
        let stamp = Timestamp.string(now)
        var matches: [[any SQLBindable]] = []
        var links: [[any SQLBindable]] = []
        matches.reserveCapacity(batch.count)
        for (index, (result, plan)) in zip(batch, plans).enumerated() {
            let decision = plan.decision
            matches.append([
                result.id, decision.studentID, decision.status.rawValue, decision.method?.rawValue, decision.score, decision.probability, run,
                plan.details, "certgate", stamp,
            ])
            if decision.status == .matched, teachesLink[index], let student = decision.studentID, let candidate = result.candidateID {
                links.append([result.providerID, candidate, student, "auto", "certgate", stamp])
            }
        }
        try transaction.insertRows(
            into: "matches",
            columns: ["result_id", "student_id", "status", "method", "score", "probability", "run_id", "details", "decided_by", "decided_at"],
            matches,
            suffix: """
                ON CONFLICT (result_id) DO UPDATE SET student_id = excluded.student_id, status = excluded.status,
                    method = excluded.method, score = excluded.score, probability = excluded.probability, run_id = excluded.run_id,
                    details = excluded.details, decided_by = excluded.decided_by, decided_at = excluded.decided_at
                """)
        try transaction.insertRows(
            into: "candidate_links", columns: ["provider_id", "candidate_id", "student_id", "source", "created_by", "created_at"], links,
            suffix: "ON CONFLICT (provider_id, candidate_id) DO NOTHING")
    }

    /// Opens and resolves the review tasks a result's decision calls for.
    private func settleTasks(_ result: PendingResult, _ plan: Plan, schools: [String: String], _ transaction: Transaction, now: Date) throws {
        let decision = plan.decision
        let subject = "\(result.id)"
        switch decision.status {
        case .matched:
            if result.hadOpenTask {
                try TaskRecords.resolve(
                    [.matchReview, .unmatchedResult], subjectType: "exam_result", subjectID: subject,
                    note: "matched automatically (\(decision.method?.rawValue ?? ""))", transaction, actor: actor, now: now)
            }
        case .review:
            if result.hadOpenTask {
                try TaskRecords.resolve(
                    [.unmatchedResult], subjectType: "exam_result", subjectID: subject, note: "now has candidates to review", transaction,
                    actor: actor, now: now)
            }
            try TaskRecords.open(
                .matchReview, subjectType: "exam_result", subjectID: subject, explanation: plan.explanation ?? "",
                assigneeRole: .dataClerk, school: decision.candidates.first.flatMap { schools[$0.studentID] } ?? result.testingSite,
                due: TaskRecords.day(now, plus: 7), transaction, actor: actor, now: now)
        case .unmatched:
            if result.hadOpenTask {
                try TaskRecords.resolve(
                    [.matchReview], subjectType: "exam_result", subjectID: subject, note: "no candidate left", transaction, actor: actor,
                    now: now)
            }
            try TaskRecords.open(
                .unmatchedResult, subjectType: "exam_result", subjectID: subject, explanation: plan.explanation ?? "",
                assigneeRole: .dataClerk, school: result.testingSite, due: TaskRecords.day(now, plus: 14), transaction, actor: actor, now: now)
        }
    }

    /// Plain words for staff, with student IDs and per-field reasons but no names or birthdays.
    private func explanation(_ result: PendingResult, _ decision: MatchDecision) -> String {
        var text = "Result \(result.id) (\(result.providerID) \(result.examCode) on \(result.attemptedAt.prefix(10))): "
        text += decision.reason ?? "needs a person to decide"
        if decision.candidates.isEmpty {
            text += ". No roster student is similar; check the roster or reject the result (certgate match reject \(result.id))."
        } else {
            let list = decision.candidates.map {
                String(format: "%@ (match probability %.1f%%, score %.1f: %@)", $0.studentID, $0.probability * 100, $0.score, $0.fields.summary)
            }
            text += ". Candidates: " + list.joined(separator: "; ")
            text += ". Confirm with certgate match link \(result.id) STUDENT_ID, or certgate match reject \(result.id)."
        }
        return text
    }

    struct PendingResult {
        var id: Int
        var providerID: String
        var candidateID: String?
        var examCode: String
        var attemptedAt: String
        var testingSite: String?
        var person: ResultPerson
        /// The result was in review or unmatched, so a matching task may be open for it (a new
        /// result, or one matched before, has none to resolve).
        var hadOpenTask: Bool
    }

    /// Pending results with IDs above `after`, in ID order, at most `limit`.
    static func pendingResults(_ scope: Scope, after: Int, limit: Int, _ transaction: Transaction) throws -> [PendingResult] {
        let condition: String
        var arguments: [any SQLBindable] = []
        switch scope {
        case .changed:
            condition = "m.result_id IS NULL OR (m.status IN ('matched', 'review', 'unmatched') AND r.updated_at > m.decided_at)"
        case .undecided:
            condition = "m.result_id IS NULL OR m.status IN ('review', 'unmatched')"
        case .candidate(let provider, let candidate):
            condition = "r.provider_id = ? AND r.candidate_id = ? AND (m.result_id IS NULL OR m.status IN ('review', 'unmatched'))"
            arguments = [provider, candidate]
        }
        var pending: [PendingResult] = []
        try transaction.forEach(
            """
            SELECT r.id, r.provider_id, r.candidate_id, r.first_name, r.last_name, r.date_of_birth, r.email,
                   r.provider_student_id, r.testing_site, r.exam_code, r.attempted_at, m.status
            FROM exam_results r LEFT JOIN matches m ON m.result_id = r.id
            WHERE r.id > ? AND (\(condition)) ORDER BY r.id LIMIT ?
            """, [after] + arguments + [limit]
        ) { row in
            // Columns by position: this runs for every result of a state-sized import.
            pending.append(
                PendingResult(
                    id: row[0].int ?? 0, providerID: row[1].string ?? "", candidateID: row[2].string, examCode: row[9].string ?? "",
                    attemptedAt: row[10].string ?? "", testingSite: row[8].string,
                    person: ResultPerson(
                        firstName: row[3].string, lastName: row[4].string, dateOfBirth: row[5].string.flatMap { CalendarDate(parsing: $0) },
                        email: row[6].string, testingSite: row[8].string, studentID: row[7].string),
                    hadOpenTask: row[11].string == "review" || row[11].string == "unmatched"))
        }
        return pending
    }
}

extension MatchRun {
    /// Every result staff decided, as labels for training: linked (the student) or rejected (nil).
    static func staffDecisions(_ transaction: Transaction) throws -> [LabelledPair] {
        var labels: [LabelledPair] = []
        try transaction.forEach(
            """
            SELECT r.first_name, r.last_name, r.date_of_birth, r.email, r.testing_site, m.student_id, m.status
            FROM matches m JOIN exam_results r ON r.id = m.result_id WHERE m.status IN ('confirmed', 'rejected')
            """
        ) { row in
            let person = ResultPerson(
                firstName: row[0].string, lastName: row[1].string, dateOfBirth: row[2].string.flatMap { CalendarDate(parsing: $0) },
                email: row[3].string, testingSite: row[4].string, studentID: nil)
            labels.append(LabelledPair(person: person, studentID: row[6].string == "confirmed" ? row[5].string : nil))
        }
        return labels
    }
}

/// What `matches.details` holds: why, and the candidates with per-field agreement. Written here,
/// read back by the typed queries (`Gateway.results`).
struct MatchDetails: Decodable {
    var reason: String?
    var candidates: [MatchDecision.Candidate]

    init(reason: String?, candidates: [MatchDecision.Candidate]) {
        self.reason = reason
        self.candidates = candidates
    }

    /// Reads stored details; nil if they are not readable.
    init?(json: String) {
        guard let details = try? JSONDecoder().decode(MatchDetails.self, from: Data(json.utf8)) else { return nil }
        self = details
    }

    /// The same keys `MatchDecision.Candidate`'s `Codable` conformance reads, written directly in
    /// key order (a state-sized import writes a million of these).
    var json: String {
        let list = candidates.map { candidate in
            let fields = candidate.fields
            let score = candidate.score.isFinite ? "\(candidate.score)" : "null"
            let probability = candidate.probability.isFinite ? "\(candidate.probability)" : "null"
            return #"{"fields":{"date_of_birth":"\#(fields.dateOfBirth.rawValue)","email":"\#(fields.email.rawValue)","#
                + #""first_name":"\#(fields.firstName.rawValue)","last_name":"\#(fields.lastName.rawValue)","#
                + #""names_swapped":\#(fields.namesSwapped),"school":"\#(fields.school.rawValue)"},"#
                + #""probability":\#(probability),"score":\#(score),"student_id":\#(JSONText.quoted(candidate.studentID))}"#
        }
        return #"{"candidates":[\#(list.joined(separator: ","))],"reason":\#(reason.map(JSONText.quoted) ?? "null")}"#
    }
}
