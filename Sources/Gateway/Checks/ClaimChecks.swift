import CertGateCore
import Foundation

/// Teachers' claims against what providers and certificates say (the year-end reconciliation
/// District A spends April to July on): each claim is backed, missing its evidence, or in
/// conflict; attainments no teacher logged are named where teachers keep logs.
struct ClaimEvidence {
    /// An attainment that a provider result or a PDF backs.
    struct Backing {
        var attainmentID: Int
        var earnedOn: CalendarDate
        var resultID: Int?
        var source: String
    }

    /// The attempts and backed attainments of each student and credential.
    private(set) var backings: [String: [Backing]] = [:]
    private(set) var attempts: [String: [CheckData.Attempt]] = [:]
    private(set) var hasEvidence: Set<String> = []
    let tolerance: Int

    static func key(_ student: String, _ credential: String) -> String { student + "\u{1F}" + credential }

    init(_ data: CheckData, catalog: CredentialCatalog, tolerance: Int) {
        self.tolerance = tolerance
        let claimed = Set(data.claims.map { Self.key($0.studentID, $0.credential) })
        for attainment in data.attainments where attainment.reviewStatus != "rejected" && attainment.source != "bundle" {
            guard attainment.isBacked else { continue }
            backings[Self.key(attainment.studentID, attainment.credential), default: []].append(
                Backing(attainmentID: attainment.id, earnedOn: attainment.earnedOn, resultID: attainment.resultID, source: attainment.source))
        }
        for evidence in data.evidence { hasEvidence.insert(Self.key(evidence.studentID, evidence.credential)) }
        // Only the attempts of claimed credentials are kept (a state has millions of attempts).
        for attempt in data.attempts {
            guard let student = attempt.studentID else { continue }
            for credential in catalog.credentials(provider: attempt.provider, exam: attempt.exam)
            where claimed.contains(Self.key(student, credential.code)) {
                attempts[Self.key(student, credential.code), default: []].append(attempt)
            }
        }
    }

    /// What stands behind a claim.
    enum Finding {
        /// Agrees with this backing (or, for a claim of a failed exam, this failed attempt).
        case verified(String)
        /// A passing claim with no provider result and no PDF.
        case missing
        /// Provider and teacher disagree: how.
        case conflict(String)
        /// A failed exam with nothing to compare it with.
        case unverifiable
    }

    func finding(_ claim: CheckData.Claim) -> Finding {
        let key = Self.key(claim.studentID, claim.credential)
        let near = { (day: CalendarDate) in abs(day.days(to: claim.examDate)) <= tolerance }
        let attempts = attempts[key] ?? []
        if claim.passed {
            if let backing = (backings[key] ?? []).min(by: { abs($0.earnedOn.days(to: claim.examDate)) < abs($1.earnedOn.days(to: claim.examDate)) }) {
                guard near(backing.earnedOn) else {
                    return .conflict("logged on \(claim.examDate), but the \(backing.resultID == nil ? "certificate" : "provider") says \(backing.earnedOn)")
                }
                return .verified(backing.resultID.map { "provider result \($0)" } ?? "certificate PDF (attainment \(backing.attainmentID))")
            }
            if let failed = attempts.first(where: { !$0.passed && near($0.day) }) {
                return .conflict("logged as passed on \(claim.examDate), but the provider reports a failed attempt on \(failed.day) (result \(failed.id))")
            }
            return hasEvidence.contains(key) ? .verified("certificate PDF") : .missing
        }
        if let passed = attempts.first(where: { $0.passed && near($0.day) }) {
            return .conflict("logged as not passed on \(claim.examDate), but the provider reports a pass on \(passed.day) (result \(passed.id))")
        }
        if let failed = attempts.first(where: { !$0.passed && near($0.day) }) { return .verified("provider result \(failed.id) (not passed)") }
        return .unverifiable
    }
}

extension DataChecks {
    /// Each claim's evidence: `evidence_missing` for the teacher, `claim_conflict` for the school
    /// lead with both values; then attainments no teacher logged, where teachers keep logs.
    func claims(_ emit: (Condition) throws -> Void) rethrows {
        guard !data.claims.isEmpty else { return }
        for (claim, finding) in zip(data.claims, claimFindings) {
            let what = "Claim \(claim.id): \(claim.teacher) logged \(credentialName(claim.credential)) "
                + "\(claim.passed ? "passed" : "not passed") by student \(claim.studentID) on \(claim.examDate)"
            switch finding {
            case .missing:
                try emit(
                    Condition(
                        kind: .evidenceMissing, subjectType: "claim", subjectID: "\(claim.id)",
                        explanation: what + ", but there is no provider result and no certificate PDF for it. "
                            + "Upload the certificate PDF (console: Upload a certificate; or certgate evidence add).",
                        role: .cteTeacher, school: school(claim.studentID), due: claim.examDate.adding(days: rules.evidence.graceDays)))
            case .conflict(let how):
                try emit(
                    Condition(
                        kind: .claimConflict, subjectType: "claim", subjectID: "\(claim.id)",
                        explanation: what + ": \(how). Ask the teacher which is right; correct the log or the provider's record.",
                        role: .schoolLead, school: school(claim.studentID), due: due))
            case .verified, .unverifiable: break
            }
            // A teacher logs certificates of their own CTE courses: the student must be enrolled
            // with that teacher that year in a course aligned with the credential.
            let year = rules.schoolYear(of: claim.examDate).description
            if let credential = catalog.credential(claim.credential), !credential.courses.isEmpty,
                data.enrolledSchoolYears.contains(CheckData.SchoolAndYear(school: school(claim.studentID) ?? "", year: year)),
                !(data.enrollments[claim.studentID] ?? []).contains(where: {
                    $0.schoolYear == year && $0.teacher == claim.teacher && credential.courses.contains($0.course)
                })
            {
                try emit(
                    Condition(
                        kind: .courseMismatch, subjectType: "claim", subjectID: "\(claim.id)",
                        explanation: what + ", but the student has no enrollment with \(claim.teacher) in a course aligned with it "
                            + "(\(credential.courses.joined(separator: ", "))) in \(year). Check the teacher's name and the course in the log.",
                        role: .schoolLead, school: school(claim.studentID), due: due))
            }
        }
        guard rules.reconcile.unloggedAttainments else { return }
        // Only schools and years whose teachers keep logs: elsewhere every attainment would be "unlogged".
        var logged: Set<CheckData.SchoolAndYear> = []
        // A claim of the credential that school year counts as logged, even on a wrong date (that is a conflict).
        var claimedYears: Set<String> = []
        for claim in data.claims {
            let year = rules.schoolYear(of: claim.examDate).description
            logged.insert(CheckData.SchoolAndYear(school: school(claim.studentID) ?? "", year: year))
            claimedYears.insert(ClaimEvidence.key(claim.studentID, claim.credential) + "\u{1F}" + year)
        }
        for attainment in data.attainments where attainment.reviewStatus != "rejected" && attainment.source != "bundle" {
            let year = rules.schoolYear(of: attainment.earnedOn).description
            guard attainment.isBacked,
                logged.contains(CheckData.SchoolAndYear(school: school(attainment.studentID) ?? "", year: year)),
                !claimedYears.contains(ClaimEvidence.key(attainment.studentID, attainment.credential) + "\u{1F}" + year)
            else { continue }
            try emit(
                Condition(
                    kind: .unloggedAttainment, subjectType: "attainment", subjectID: "\(attainment.id)",
                    explanation: "Attainment \(attainment.id): \(credentialName(attainment.credential)) for student \(attainment.studentID), "
                        + "earned \(attainment.earnedOn) (\(attainment.resultID == nil ? "certificate PDF" : "provider result")), is in no teacher's log. "
                        + "Information: check the student's teacher knows (rules.json reconcile.unlogged_attainments turns these off).",
                    role: .schoolLead, school: school(attainment.studentID), due: due))
        }
    }

    /// What the checks found backs each claim: the text to keep in `claims.verified_by` (nil: nothing does).
    func claimVerifications() -> [(claim: Int, verifiedBy: String?)] {
        zip(data.claims, claimFindings).compactMap { claim, finding in
            var verifiedBy: String?
            if case .verified(let by) = finding { verifiedBy = by }
            return verifiedBy == claim.verifiedBy ? nil : (claim.id, verifiedBy)
        }
    }
}
