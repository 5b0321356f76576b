import CertGateCore
import Foundation

/// A condition a check found: it stands until the data changes, and has one task while it does.
struct Condition {
    var kind: TaskKind
    var subjectType: String
    var subjectID: String
    var explanation: String
    var role: StaffRole
    var school: String?
    var due: CalendarDate
}

/// The district's data checks (seed 000 and state rules), each raising its own kind of task.
struct DataChecks {
    let data: CheckData
    let catalog: CredentialCatalog
    let rules: Rules
    let today: CalendarDate
    /// What stands behind each of `data.claims`, in order: found once for both the claims'
    /// tasks and their verification.
    let claimFindings: [ClaimEvidence.Finding]

    init(data: CheckData, catalog: CredentialCatalog, rules: Rules, today: CalendarDate) {
        self.data = data
        self.catalog = catalog
        self.rules = rules
        self.today = today
        if data.claims.isEmpty {
            claimFindings = []
        } else {
            let evidence = ClaimEvidence(data, catalog: catalog, tolerance: rules.reconcile.dateToleranceDays)
            claimFindings = data.claims.map(evidence.finding)
        }
    }

    /// Hands every check's conditions to `emit`, check by check in a fixed order, as they are
    /// found: a state's run finds close to a million, and none needs to be kept.
    func run(_ emit: (Condition) throws -> Void) rethrows {
        try evidence(emit)
        try claims(emit)
        try retakes().forEach(emit)
        try proctors(emit)
        try unknownExams(emit)
        try attainmentChecks(emit)
        try certificates(emit)
    }

    var due: CalendarDate { today.adding(days: rules.taskDueDays) }

    func school(_ student: String?) -> String? { student.flatMap { data.students[$0]?.school } }

    func credentialName(_ code: String) -> String { catalog.credential(code)?.name ?? code }

    /// Evidence the policy asks for: a provider score report (a stored result), a PDF, or both.
    func evidence(_ emit: (Condition) throws -> Void) rethrows {
        // A bundle's evidence is its components' evidence, which is checked on each of them.
        for attainment in data.attainments where attainment.reviewStatus != "rejected" && attainment.source != "bundle" {
            guard let credential = catalog.credential(attainment.credential) else { continue }
            let requirement = rules.evidence.requirement(provider: credential.provider)
            let hasReport = attainment.source == "report" || attainment.source == "bundle" || attainment.resultID != nil
            let hasPDF = attainment.pdfCount > 0
            let missing: String?
            switch requirement {
            case .report: missing = hasReport ? nil : "a provider score report"
            case .pdf: missing = hasPDF ? nil : "a certificate PDF"
            case .either: missing = hasReport || hasPDF ? nil : "a score report or a certificate PDF"
            case .both: missing = !hasReport ? "a provider score report" : (!hasPDF ? "a certificate PDF" : nil)
            }
            guard let missing else { continue }
            try emit(
                Condition(
                    kind: .evidenceMissing, subjectType: "attainment", subjectID: "\(attainment.id)",
                    explanation: "Attainment \(attainment.id): \(credentialName(attainment.credential)) for student \(attainment.studentID), "
                        + "earned \(attainment.earnedOn), needs \(missing) (policy for \(credential.provider): \(requirement.rawValue)"
                        + (rules.evidence.districtAlwaysPDF ? ", district keeps a PDF of every certificate" : "")
                        + "). Attach it with certgate evidence add.",
                    role: .cteTeacher, school: school(attainment.studentID),
                    due: attainment.earnedOn.adding(days: rules.evidence.graceDays)))
        }
    }

    /// Attempts of one exam by one student, against every retake rule in force on each attempt's day.
    func retakes() -> [Condition] {
        // Positions of each student's attempts of each exam (not copies: a state has millions).
        struct StudentExam: Hashable {
            var student: String
            var provider: String
            var exam: String
        }
        var byStudentExam: [StudentExam: [Int]] = [:]
        for (index, attempt) in data.attempts.enumerated() {
            guard let student = attempt.studentID else { continue }
            byStudentExam[StudentExam(student: student, provider: attempt.provider, exam: attempt.exam), default: []].append(index)
        }
        var found: [String: Condition] = [:]
        for (_, positions) in byStudentExam where positions.count > 1 {
            let attempts = positions.map { data.attempts[$0] }
            for (index, attempt) in attempts.enumerated() {
                for rule in rules.retakes where rule.applies(provider: attempt.provider, exam: attempt.exam, on: attempt.day) {
                    let subject = "\(attempt.id)"
                    if index > 0 {
                        let previous = attempts[index - 1]
                        let gap = previous.day.days(to: attempt.day)
                        var needed = rule.minDaysBetween ?? 0
                        if let waits = rule.minDaysAfterAttempt, !waits.isEmpty { needed = max(needed, waits[min(index - 1, waits.count - 1)]) }
                        if gap < needed, found["r\(subject)"] == nil {
                            found["r\(subject)"] = Condition(
                                kind: .retakeTooSoon, subjectType: "exam_result", subjectID: subject,
                                explanation: "Result \(attempt.id): student \(attempt.studentID!) retook \(attempt.exam) on \(attempt.day), "
                                    + "\(gap) day(s) after the attempt on \(previous.day); \(rule.name) requires \(needed).",
                                role: .schoolLead, school: school(attempt.studentID), due: due)
                        }
                    }
                    let year = rules.schoolYear(of: attempt.day)
                    let sameYear = attempts[...index].filter { rules.schoolYear(of: $0.day) == year }.count
                    if let limit = rule.maxAttemptsPerSchoolYear, sameYear > limit, found["m\(subject)"] == nil {
                        found["m\(subject)"] = Condition(
                            kind: .tooManyAttempts, subjectType: "exam_result", subjectID: subject,
                            explanation: "Result \(attempt.id): attempt \(sameYear) of \(attempt.exam) by student \(attempt.studentID!) in "
                                + "school year \(year); \(rule.name) allows \(limit).",
                            role: .schoolLead, school: school(attempt.studentID), due: due)
                    }
                    if let window = rule.maxAttemptsInWindow {
                        let inWindow = attempts[...index].filter { $0.day.days(to: attempt.day) < window.days }.count
                        if inWindow > window.attempts, found["m\(subject)"] == nil {
                            found["m\(subject)"] = Condition(
                                kind: .tooManyAttempts, subjectType: "exam_result", subjectID: subject,
                                explanation: "Result \(attempt.id): \(inWindow) attempts of \(attempt.exam) by student \(attempt.studentID!) "
                                    + "within \(window.days) days; \(rule.name).",
                                role: .schoolLead, school: school(attempt.studentID), due: due)
                        }
                    }
                }
            }
        }
        return found.values.sorted { $0.subjectID < $1.subjectID }
    }

    /// The proctor must not be the student's course teacher: any CTE course the student takes
    /// that school year, the course aligned with the credential named first when it is one.
    func proctors(_ emit: (Condition) throws -> Void) rethrows {
        // A state has a million attempts but few proctors and teachers: read each name once.
        var names: [String: PersonName?] = [:]
        func name(_ text: String?) -> PersonName? {
            guard let text else { return nil }
            if let known = names[text] { return known }
            let parsed = PersonName(text)
            names[text] = parsed
            return parsed
        }
        for attempt in data.attempts {
            guard let student = attempt.studentID, let proctor = name(attempt.proctor) else { continue }
            let year = rules.schoolYear(of: attempt.day).description
            let taught = (data.enrollments[student] ?? []).filter {
                $0.schoolYear == year && name($0.teacher)?.isSamePerson(as: proctor) == true
            }
            guard !taught.isEmpty else { continue }
            let aligned = Set(catalog.credentials(provider: attempt.provider, exam: attempt.exam).flatMap(\.courses))
            let courses = taught.filter { aligned.contains($0.course) } + taught.filter { !aligned.contains($0.course) }
            let named = courses.map { aligned.contains($0.course) ? "\($0.course) (aligned with the exam)" : $0.course }
            try emit(
                Condition(
                    kind: .proctorIsTeacher, subjectType: "exam_result", subjectID: "\(attempt.id)",
                    explanation: "Result \(attempt.id): the proctor of \(attempt.exam) on \(attempt.day) teaches student \(student)'s "
                        + "course\(named.count == 1 ? "" : "s") \(named.joined(separator: ", ")) in \(year). Allowed only when the "
                        + "teacher is the only approved proctor and a second, non-teaching person monitored; record that, or "
                        + "dismiss with a note.",
                    role: .cteCoordinator, school: school(student), due: due))
        }
    }

    /// Exam codes the catalog does not know: one task per code, naming how many results carry it.
    func unknownExams(_ emit: (Condition) throws -> Void) rethrows {
        struct ProviderExam: Hashable {
            var provider: String
            var exam: String
        }
        var counts: [ProviderExam: (results: Int, first: CalendarDate, last: CalendarDate)] = [:]
        for attempt in data.attempts where catalog.credentials(provider: attempt.provider, exam: attempt.exam).isEmpty {
            let key = ProviderExam(provider: attempt.provider, exam: attempt.exam)
            let seen = counts[key]
            counts[key] = (
                (seen?.results ?? 0) + 1, min(seen?.first ?? attempt.day, attempt.day), max(seen?.last ?? attempt.day, attempt.day)
            )
        }
        for (key, count) in counts.sorted(by: { ($0.key.provider, $0.key.exam) < ($1.key.provider, $1.key.exam) }) {
            try emit(
                Condition(
                    kind: .unknownExam, subjectType: "exam_code", subjectID: "\(key.provider):\(key.exam)",
                    explanation: "Exam code \(key.exam) from \(key.provider) is not in the credential catalog: "
                        + "\(records(count.results, "result")) (\(count.first) to \(count.last)) cannot become attainments. Add it to "
                        + "config/credentials.json (or tell the provider it is wrong), then run certgate check.",
                    role: .cteCoordinator, school: nil, due: due))
        }
    }

    /// "3 results", or "at least 3 results" in a scoped run, which sees only some of them.
    private func records(_ count: Int, _ noun: String) -> String {
        (data.isComplete ? "" : "at least ") + "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// What uploaded certificates said: a text that disagrees, no text, a file used twice.
    func certificates(_ emit: (Condition) throws -> Void) rethrows {
        var firstStudent: [String: String] = [:]
        for item in data.evidence {
            let subject = "\(item.id)"
            let label = "Evidence \(item.id) (\(item.credential) for student \(item.studentID))"
            let schoolName = school(item.studentID)
            switch item.textStatus {
            case "differs":
                try emit(
                    Condition(
                        kind: .certificateMismatch, subjectType: "evidence", subjectID: subject,
                        explanation: "\(label): \(item.textDetail ?? "the certificate does not agree with the record"). "
                            + "Check the PDF; dismiss the task with a note if it is right.",
                        role: .schoolLead, school: schoolName, due: due))
            case "no_text":
                try emit(
                    Condition(
                        kind: .evidenceUnreadable, subjectType: "evidence", subjectID: subject,
                        explanation: "\(label): the PDF has no text to read (a scan?); a person must compare it with the record "
                            + "before it counts as verified.",
                        role: .schoolLead, school: schoolName, due: due))
            default: break
            }
            if let other = firstStudent[item.sha256], other != item.studentID {
                try emit(
                    Condition(
                        kind: .evidenceReused, subjectType: "evidence", subjectID: subject,
                        explanation: "\(label): the same file was already uploaded for student \(other); one of them is wrong.",
                        role: .dataClerk, school: schoolName, due: due))
            } else if firstStudent[item.sha256] == nil {
                firstStudent[item.sha256] = item.studentID
            }
        }
    }

    /// State code, course alignment, concentrator status, duplicates and expiry. A missing input
    /// that many attainments share (a credential's state code, a school's enrollments or
    /// concentrator flags) raises one task for the cause, and the per-record tasks it would have
    /// caused wait until it is fixed.
    func attainmentChecks(_ emit: (Condition) throws -> Void) rethrows {
        struct StudentCredential: Hashable {
            var student: String
            var credential: String
        }
        var seen: [StudentCredential: Int] = [:]
        var expiries: [Int: CalendarDate] = [:]
        var noStateCode: [String: Int] = [:]
        var noEnrollments: [CheckData.SchoolAndYear: Int] = [:]
        var noConcentrators: [String: Int] = [:]
        for attempt in data.attempts { if let expires = attempt.expiresOn { expiries[attempt.id] = expires } }
        for attainment in data.attainments where attainment.reviewStatus != "rejected" {
            guard let credential = catalog.credential(attainment.credential) else { continue }
            let subject = "\(attainment.id)"
            let label = "Attainment \(attainment.id) (\(credential.name), student \(attainment.studentID), \(attainment.earnedOn))"
            let schoolName = school(attainment.studentID)
            // An exam that only counts towards a bundle is never reported on its own.
            if credential.stateCode?.isEmpty ?? true, credential.type != "exam" {
                noStateCode[credential.code, default: 0] += 1
            }
            let year = rules.schoolYear(of: attainment.earnedOn).description
            if !credential.courses.isEmpty,
                !(data.enrollments[attainment.studentID] ?? []).contains(where: {
                    $0.schoolYear == year && credential.courses.contains($0.course)
                })
            {
                let schoolYear = CheckData.SchoolAndYear(school: schoolName ?? "", year: year)
                if data.enrolledSchoolYears.contains(schoolYear) {
                    try emit(
                        Condition(
                            kind: .courseMismatch, subjectType: "attainment", subjectID: subject,
                            explanation: "\(label): the student has no enrollment in an aligned course (\(credential.courses.joined(separator: ", "))) in \(year).",
                            role: .schoolLead, school: schoolName, due: due))
                } else {
                    noEnrollments[schoolYear, default: 0] += 1
                }
            }
            if let student = data.students[attainment.studentID], !student.isConcentrator, credential.perkinsReportable {
                if !data.concentratorSchools.contains(schoolName ?? "") {
                    noConcentrators[schoolName ?? "", default: 0] += 1
                } else if rules.informationTasks.contains(.notConcentrator) {
                    try emit(
                        Condition(
                            kind: .notConcentrator, subjectType: "attainment", subjectID: subject,
                            explanation: "\(label): the student is not a CTE concentrator, so it does not count for Perkins 5S1; "
                                + "confirm the status in the SIS.",
                            role: .schoolLead, school: schoolName, due: due))
                }
            }
            let key = StudentCredential(student: attainment.studentID, credential: attainment.credential)
            if let first = seen[key] {
                try emit(
                    Condition(
                        kind: .duplicateAttainment, subjectType: "attainment", subjectID: subject,
                        explanation: "\(label): the same student already has \(credential.code) (attainment \(first)); "
                            + "reject the one entered twice in review.",
                        role: .dataClerk, school: schoolName, due: due))
            } else {
                seen[key] = attainment.id
            }
            let reported = attainment.resultID.flatMap { expiries[$0] }
            if let expires = reported ?? credential.validYears.map({ attainment.earnedOn.adding(days: 365 * $0) }),
                today.days(to: expires) <= rules.expiringWindowDays
            {
                let when = expires < today ? "expired on \(expires)" : "expires on \(expires)"
                try emit(
                    Condition(
                        kind: .expiring, subjectType: "attainment", subjectID: subject,
                        explanation: "\(label): \(when); plan the renewal.", role: .cteTeacher, school: schoolName,
                        due: expires < today ? today : expires))
            }
        }
        try causes(noStateCode: noStateCode, noEnrollments: noEnrollments, noConcentrators: noConcentrators, emit)
    }

    /// One task per missing input that many attainments share.
    private func causes(
        noStateCode: [String: Int], noEnrollments: [CheckData.SchoolAndYear: Int], noConcentrators: [String: Int],
        _ emit: (Condition) throws -> Void
    ) rethrows {
        for (code, count) in noStateCode.sorted(by: { $0.key < $1.key }) {
            try emit(
                Condition(
                    kind: .missingStateCode, subjectType: "credential", subjectID: code,
                    explanation: "\(credentialName(code)) (\(code)) has no state certificate code in the catalog, so "
                        + "\(records(count, "attainment")) of it cannot be reported. Add its state_code to config/credentials.json, "
                        + "then run certgate check.",
                    role: .cteCoordinator, school: nil, due: due))
        }
        for (key, count) in noEnrollments.sorted(by: { ($0.key.school, $0.key.year) < ($1.key.school, $1.key.year) }) {
            let school = key.school.isEmpty ? "students with no school in the roster" : key.school
            try emit(
                Condition(
                    kind: .missingEnrollments, subjectType: "school_year", subjectID: "\(key.school)|\(key.year)",
                    explanation: "No CTE enrollments are loaded for \(school) in \(key.year), so course alignment cannot be "
                        + "checked for \(records(count, "attainment")). Load the SIS enrollment export with certgate roster import "
                        + "ROSTER.csv --enrollments ENROLLMENTS.csv; the attainments' own checks follow then.",
                    role: .dataClerk, school: key.school.isEmpty ? nil : key.school, due: due))
        }
        for (school, count) in noConcentrators.sorted(by: { $0.key < $1.key }) {
            let name = school.isEmpty ? "students with no school in the roster" : school
            try emit(
                Condition(
                    kind: .missingConcentratorFlags, subjectType: "school", subjectID: school,
                    explanation: "No student of \(name) is flagged as a CTE concentrator, so \(records(count, "attainment")) "
                        + "there cannot count for Perkins 5S1. Check the concentrator column of the SIS roster export and import "
                        + "it again; dismiss with a note if the school has no concentrators.",
                    role: .dataClerk, school: school.isEmpty ? nil : school, due: due))
        }
    }
}
