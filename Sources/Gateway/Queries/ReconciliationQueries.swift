public import CertGateCore
import Foundation
import Store

/// Where a claim stands after the checks.
public enum ClaimStatus: String, Sendable, Codable, CaseIterable {
    /// A provider result or a PDF agrees with it.
    case verified
    /// The provider says otherwise (a `claim_conflict` task is open).
    case conflict
    /// Nothing backs it yet (an `evidence_missing` task is open).
    case evidenceMissing = "evidence_missing"
    /// A failed exam the provider does not report, or a claim a person closed the task of.
    case unverified
}

/// One claim as the reconciliation report lists it.
public struct ReconciledClaim: Sendable, Encodable {
    public var id: Int
    public var school: String
    public var teacher: String
    public var studentID: String
    public var credentialCode: String
    public var examDate: String
    public var outcome: ClaimOutcome
    public var status: ClaimStatus
    /// What verified it, or the open task's explanation.
    public var detail: String
    /// Where it came from: `file:sheet:row`, or `console`.
    public var origin: String

    enum CodingKeys: String, CodingKey {
        case id, school, teacher, outcome, status, detail, origin
        case studentID = "student_id", credentialCode = "credential_code", examDate = "exam_date"
    }
}

/// The reconciliation of a school year: every claim with its status, and the attainments no
/// teacher logged; counted per school and teacher.
public struct Reconciliation: Sendable, Encodable {
    public struct Count: Sendable, Codable {
        public var school: String
        /// Nil: the school's attainments nobody logged.
        public var teacher: String?
        public var claims = 0
        public var verified = 0
        public var conflicts = 0
        public var evidenceMissing = 0
        public var unlogged = 0

        enum CodingKeys: String, CodingKey {
            case school, teacher, claims, verified, conflicts, unlogged
            case evidenceMissing = "evidence_missing"
        }
    }

    public var schoolYear: String
    public var claims: [ReconciledClaim]
    /// The attainments no teacher logged (an `unlogged_attainment` task open for each).
    public var unlogged: [AttainmentListing]

    public var counts: [Count] {
        var counts: [String: Count] = [:]
        for claim in claims {
            let key = claim.school + "\u{1F}" + claim.teacher
            var count = counts[key] ?? Count(school: claim.school, teacher: claim.teacher)
            count.claims += 1
            switch claim.status {
            case .verified: count.verified += 1
            case .conflict: count.conflicts += 1
            case .evidenceMissing: count.evidenceMissing += 1
            case .unverified: break
            }
            counts[key] = count
        }
        for attainment in unlogged {
            let school = attainment.school ?? ""
            counts[school + "\u{1F}", default: Count(school: school, teacher: nil)].unlogged += 1
        }
        return counts.values.sorted { ($0.school, $0.teacher ?? "\u{10FFFF}") < ($1.school, $1.teacher ?? "\u{10FFFF}") }
    }

    enum CodingKeys: String, CodingKey {
        case claims, unlogged, counts
        case schoolYear = "school_year"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schoolYear, forKey: .schoolYear)
        try container.encode(counts, forKey: .counts)
        try container.encode(claims, forKey: .claims)
        try container.encode(unlogged, forKey: .unlogged)
    }

    /// The schools in the report.
    public var schools: [String] { Set(claims.map(\.school) + unlogged.map { $0.school ?? "" }).sorted() }

    /// One school's report for a person to open: its counts, its claims with their status, and
    /// its attainments no teacher logged, as sheets of rows with a header each.
    public func sheets(school: String) -> [(name: String, rows: [[String]])] {
        let counts = [["Teacher", "Claims", "Verified", "Conflicts", "Evidence missing", "Unlogged"]]
            + self.counts.filter { $0.school == school }.map {
                [$0.teacher ?? "(attainments no teacher logged)", "\($0.claims)", "\($0.verified)", "\($0.conflicts)", "\($0.evidenceMissing)",
                 "\($0.unlogged)"]
            }
        let claims = [["Teacher", "Student ID", "Credential", "Exam date", "Logged result", "Status", "Detail", "Where logged"]]
            + self.claims.filter { $0.school == school }.map {
                [$0.teacher, $0.studentID, $0.credentialCode, $0.examDate, $0.outcome.rawValue, $0.status.rawValue.replacingOccurrences(of: "_", with: " "),
                 $0.detail, $0.origin]
            }
        let unlogged = [["Student ID", "Credential", "Earned", "Backed by"]]
            + self.unlogged.filter { ($0.school ?? "") == school }.map {
                [$0.studentID, $0.credentialCode, $0.earnedOn, $0.source == "report" ? "a provider result" : "\($0.pdfs) certificate PDF(s)"]
            }
        return [("Summary", counts), ("Claims", claims), ("Unlogged attainments", unlogged)]
    }

    init(schoolYear: String, claims: [ReconciledClaim], unlogged: [AttainmentListing]) {
        self.schoolYear = schoolYear
        self.claims = claims
        self.unlogged = unlogged
    }
}

extension Gateway {
    /// `certgate reconcile`: runs every check (which compares claims with results, attainments
    /// and evidence), then reports the school year for one school or all.
    public func reconcile(schoolYear: SchoolYear?, school: String?, today: CalendarDate? = nil) throws -> Reconciliation {
        _ = try runChecks(today: today)
        return try reconciliation(schoolYear: schoolYear, schools: school.map { [$0] }, today: today)
    }

    /// The school year's claims with their status and the attainments no teacher logged, as the
    /// last checks left them: of these schools (nil: all), of one teacher's claims only if given
    /// (a teacher's view, without the school's unlogged attainments).
    public func reconciliation(schoolYear: SchoolYear?, schools: [String]?, teacher: String? = nil, today: CalendarDate? = nil) throws
        -> Reconciliation
    {
        let rules = try Rules.load(directory: configDirectory)
        let year = try schoolYear ?? rules.schoolYear(of: today ?? CalendarDate.day())
        let (start, end) = rules.days(of: year)
        var conditions = QueryConditions()
        conditions.add("c.exam_date >= ? AND c.exam_date < ?", start, end)
        conditions.add("s.school IN (SELECT value FROM json_each(?))", ifGiven: try schools.map { try JSONEncoder.sortedString($0) })
        conditions.add("c.teacher = ?", ifGiven: teacher)
        let claims = try database.read { transaction in
            try transaction.query(
                """
                SELECT c.id, COALESCE(s.school, ''), c.teacher, c.student_id, c.credential_code, c.exam_date, c.outcome, c.verified_by,
                       COALESCE(c.origin_detail, c.origin),
                       (SELECT kind || '\u{1F}' || explanation FROM tasks t
                        WHERE t.subject_type = 'claim' AND t.subject_id = CAST(c.id AS TEXT) AND t.status = 'open'
                        ORDER BY CASE t.kind WHEN 'claim_conflict' THEN 0 WHEN 'evidence_missing' THEN 1 ELSE 2 END, t.id LIMIT 1)
                FROM claims c JOIN students s ON s.student_id = c.student_id \(conditions.sql)
                ORDER BY 2, 3, c.student_id, c.exam_date, c.id
                """, conditions.arguments
            ).compactMap { row -> ReconciledClaim? in
                guard let outcome = row[6].string.flatMap(ClaimOutcome.init) else { return nil }
                let task = row[9].string?.split(separator: "\u{1F}", maxSplits: 1).map(String.init)
                let status: ClaimStatus
                switch task?.first.flatMap(TaskKind.init) {
                case .claimConflict: status = .conflict
                case .evidenceMissing: status = .evidenceMissing
                default: status = row[7].string == nil ? .unverified : .verified
                }
                return ReconciledClaim(
                    id: row[0].int ?? 0, school: row[1].string ?? "", teacher: row[2].string ?? "", studentID: row[3].string ?? "",
                    credentialCode: row[4].string ?? "", examDate: row[5].string ?? "", outcome: outcome, status: status,
                    detail: task?.last ?? row[7].string ?? "", origin: row[8].string ?? "")
            }
        }
        // The attainments no teacher logged: an open unlogged_attainment task each (a teacher's view has none).
        let unlogged = teacher != nil ? [] : try attainments(schools: schools, openTask: .unloggedAttainment)
            .filter { $0.earnedOn >= start && $0.earnedOn < end }
        return Reconciliation(schoolYear: year.description, claims: claims, unlogged: unlogged)
    }
}
