public import CertGateCore
import Foundation

/// District and state policies from `config/rules.json`: data with effective dates, never code.
public struct Rules: Sendable, Codable {
    /// Which evidence proves an attainment.
    public enum EvidenceRequirement: String, Sendable, Codable {
        /// The provider's score report (a pulled or imported result) suffices.
        case report
        /// A certificate PDF is required.
        case pdf
        /// Either one.
        case either
        /// Both.
        case both
    }

    public struct Evidence: Sendable, Codable {
        public var providers: [String: EvidenceRequirement]
        public var `default`: EvidenceRequirement
        /// The district keeps a PDF of every certificate, score report or not (for audits).
        public var districtAlwaysPDF: Bool
        /// Days after the date earned before missing evidence is due.
        public var graceDays: Int

        enum CodingKeys: String, CodingKey {
            case providers, `default`
            case districtAlwaysPDF = "district_always_pdf", graceDays = "grace_days"
        }

        func requirement(provider: String) -> EvidenceRequirement {
            let base = providers[provider] ?? `default`
            guard districtAlwaysPDF else { return base }
            return base == .report || base == .both ? .both : .pdf
        }
    }

    /// A limit on retaking one exam; applies to attempts on dates within its effective range.
    public struct RetakeRule: Sendable, Codable {
        public struct Window: Sendable, Codable {
            public var attempts: Int
            public var days: Int
        }

        public var name: String
        /// Only this provider's exams; nil for all.
        public var provider: String?
        /// Only these exam codes; nil for all.
        public var examCodes: [String]?
        public var maxAttemptsPerSchoolYear: Int?
        public var minDaysBetween: Int?
        /// The wait after the 1st, 2nd, … attempt; the last value holds for later attempts.
        public var minDaysAfterAttempt: [Int]?
        /// At most `attempts` within any `days` days.
        public var maxAttemptsInWindow: Window?
        public var effectiveFrom: CalendarDate
        public var effectiveTo: CalendarDate?

        enum CodingKeys: String, CodingKey {
            case name, provider
            case examCodes = "exam_codes", maxAttemptsPerSchoolYear = "max_attempts_per_school_year"
            case minDaysBetween = "min_days_between", minDaysAfterAttempt = "min_days_after_attempt"
            case maxAttemptsInWindow = "max_attempts_in_window", effectiveFrom = "effective_from", effectiveTo = "effective_to"
        }

        func applies(provider: String, exam: String, on day: CalendarDate) -> Bool {
            (self.provider == nil || self.provider == provider) && (examCodes?.contains(exam) ?? true)
                && effectiveFrom <= day && (effectiveTo.map { day <= $0 } ?? true)
        }
    }

    public struct District: Sendable, Codable {
        public var number: String
        /// School name (as in the roster) → the state's school number.
        public var schools: [String: String]
    }

    public struct Florida: Sendable, Codable {
        /// CTE program name (as in enrollments) → the state's program code.
        public var programCodes: [String: String]

        enum CodingKeys: String, CodingKey { case programCodes = "program_codes" }
    }

    /// How teachers' claims are compared with what providers and PDFs say.
    public struct Reconcile: Sendable, Codable {
        /// Days a claim's exam date may be from the provider's date and still agree.
        public var dateToleranceDays = 7
        /// Raise `unlogged_attainment` for attainments no teacher logged (in schools and years
        /// whose teachers keep logs).
        public var unloggedAttainments = true

        init() {}

        enum CodingKeys: String, CodingKey {
            case dateToleranceDays = "date_tolerance_days", unloggedAttainments = "unlogged_attainments"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            dateToleranceDays = try container.decodeIfPresent(Int.self, forKey: .dateToleranceDays) ?? 7
            unloggedAttainments = try container.decodeIfPresent(Bool.self, forKey: .unloggedAttainments) ?? true
        }
    }

    public var schoolYearStartMonth: Int
    public var reconcile: Reconcile
    public var evidence: Evidence
    public var retakes: [RetakeRule]
    public var expiringWindowDays: Int
    public var taskDueDays: Int
    public var district: District
    public var florida: Florida?
    /// Per-record conditions that are information rather than work (a passing non-concentrator)
    /// go to reports, not the task queue, unless listed here (`"information_tasks":
    /// ["not_concentrator"]`).
    public var informationTasks: Set<TaskKind>

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schoolYearStartMonth = try container.decode(Int.self, forKey: .schoolYearStartMonth)
        evidence = try container.decode(Evidence.self, forKey: .evidence)
        retakes = try container.decode([RetakeRule].self, forKey: .retakes)
        expiringWindowDays = try container.decode(Int.self, forKey: .expiringWindowDays)
        taskDueDays = try container.decode(Int.self, forKey: .taskDueDays)
        district = try container.decode(District.self, forKey: .district)
        florida = try container.decodeIfPresent(Florida.self, forKey: .florida)
        reconcile = try container.decodeIfPresent(Reconcile.self, forKey: .reconcile) ?? Reconcile()
        let information = try container.decodeIfPresent([String].self, forKey: .informationTasks) ?? []
        informationTasks = []
        for name in information {
            guard let kind = TaskKind(rawValue: name), TaskKind.informationKinds.contains(kind) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .informationTasks, in: container,
                    debugDescription: "'\(name)' is not an information kind (known: \(TaskKind.informationKinds.map(\.rawValue).joined(separator: ", ")))")
            }
            informationTasks.insert(kind)
        }
    }

    enum CodingKeys: String, CodingKey {
        case evidence, retakes, district, florida, reconcile
        case informationTasks = "information_tasks"
        case schoolYearStartMonth = "school_year_start_month", expiringWindowDays = "expiring_window_days"
        case taskDueDays = "task_due_days"
    }

    public static func load(directory: String) throws -> Rules {
        let path = (directory as NSString).appendingPathComponent("rules.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CertGateError(.configuration, "cannot read '\(path)'")
        }
        do {
            return try JSONDecoder().decode(Rules.self, from: data)
        } catch let error as DecodingError {
            throw CertGateError(.configuration, "\(path): \(error.readableDescription)")
        }
    }

    /// A school year's first day and the next year's first day (`YYYY-MM-DD`), for date ranges
    /// in queries: `date >= start AND date < end`.
    public func days(of year: SchoolYear) -> (start: String, end: String) {
        let month = schoolYearStartMonth < 10 ? "0\(schoolYearStartMonth)" : "\(schoolYearStartMonth)"
        return ("\(year.startYear)-\(month)-01", "\(year.startYear + 1)-\(month)-01")
    }

    /// The school year a day falls in, e.g. `2025-26`.
    public func schoolYear(of day: CalendarDate) -> SchoolYear {
        SchoolYear(startYear: day.month >= schoolYearStartMonth ? day.year : day.year - 1)
    }
}
