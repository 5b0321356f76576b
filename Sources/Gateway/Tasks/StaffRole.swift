/// Who a task is for: the district's staff roles (seed 000).
public enum StaffRole: String, Sendable, CaseIterable, Codable {
    /// Owns the process; sees everything.
    case cteCoordinator = "cte_coordinator"
    /// Verifies evidence for their schools.
    case schoolLead = "school_lead"
    /// Match review, roster, imports.
    case dataClerk = "data_clerk"
    /// Their own students' certificates.
    case cteTeacher = "cte_teacher"
    /// Read-only: evidence and the audit trail.
    case auditor

    /// `cte_coordinator, school_lead, …` for help and usage errors.
    public static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Where a task stands.
public enum TaskStatus: String, Sendable, CaseIterable, Codable {
    case open, resolved, dismissed

    public static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Where an attainment's review stands (seed 003).
public enum ReviewStatus: String, Sendable, CaseIterable, Codable {
    case pending, approved, rejected
    case followUp = "follow_up"

    public static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
