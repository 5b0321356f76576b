public import CertGateCore
import Foundation
import Store

/// One task as the command line and the console list it.
public struct TaskListing: Sendable, Encodable {
    public var id: Int
    public var kind: TaskKind
    public var subjectType: String
    public var subjectID: String
    public var status: TaskStatus
    public var assigneeRole: StaffRole?
    public var school: String?
    public var dueOn: String?
    public var explanation: String
    public var resolutionNote: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, status, school, explanation
        case subjectType = "subject_type", subjectID = "subject_id", assigneeRole = "assignee_role", dueOn = "due_on"
        case resolutionNote = "resolution_note"
    }
}

/// Which tasks to list; nil means any.
public struct TaskFilter: Sendable {
    public var status: TaskStatus = .open
    public var kind: TaskKind?
    public var school: String?
    public var role: StaffRole?
    /// One task only.
    public var id: Int?
    /// Only these schools' tasks (a school lead's).
    public var schools: [String]?
    /// Only tasks about students enrolled with this teacher ("Last, First").
    public var teacher: String?
    /// Only tasks about this student.
    public var student: String?
    /// Only tasks due on or before this day.
    public var dueBy: CalendarDate?

    public init(status: TaskStatus = .open, kind: TaskKind? = nil, school: String? = nil, role: StaffRole? = nil) {
        self.status = status
        self.kind = kind
        self.school = school
        self.role = role
    }

    /// This filter narrowed to what `account` may see: a coordinator and an auditor see every
    /// task; a school lead their schools'; a data clerk the clerks' tasks (of their schools, if
    /// any); a teacher the tasks about students enrolled in their courses (of their schools, if any).
    public func visible(to account: UserAccount) -> TaskFilter {
        var filter = self
        switch account.role {
        case .cteCoordinator, .auditor: break
        case .schoolLead: filter.schools = account.schools
        case .dataClerk:
            filter.role = .dataClerk
            if !account.schools.isEmpty { filter.schools = account.schools }
        case .cteTeacher:
            filter.teacher = account.teacherName ?? "\u{0}"  // no name: no students
            if !account.schools.isEmpty { filter.schools = account.schools }
        }
        return filter
    }
}

/// How a task list is sorted: each order ends with the task's number, so pages are stable.
public enum TaskOrder: String, Sendable, CaseIterable {
    case due, kind, school, newest

    var sql: String {
        switch self {
        case .due: "due_on, id"
        case .kind: "kind, due_on, id"
        case .school: "school, due_on, id"
        case .newest: "id DESC"
        }
    }
}

extension Gateway {
    /// Tasks, by due date unless `order` says otherwise; `limit` and `offset` page through them.
    public func tasks(_ filter: TaskFilter = TaskFilter(), order: TaskOrder = .due, limit: Int? = nil, offset: Int = 0) throws
        -> [TaskListing]
    {
        let conditions = try Self.taskConditions(filter)
        return try database.read { transaction in
            try transaction.query(
                """
                SELECT id, kind, subject_type, subject_id, status, assignee_role, school, due_on, explanation, resolution_note
                FROM tasks t \(conditions.sql) ORDER BY \(order.sql) LIMIT ? OFFSET ?
                """, conditions.arguments + [limit ?? Int.max, offset]
            ).compactMap { row in
                // A kind or status this build does not know (a newer database) is left out, not guessed.
                guard let kind = row[1].string.flatMap(TaskKind.init), let status = row[4].string.flatMap(TaskStatus.init) else { return nil }
                return TaskListing(
                    id: row[0].int ?? 0, kind: kind, subjectType: row[2].string ?? "", subjectID: row[3].string ?? "", status: status,
                    assigneeRole: row[5].string.flatMap(StaffRole.init), school: row[6].string, dueOn: row[7].string,
                    explanation: row[8].string ?? "", resolutionNote: row[9].string)
            }
        }
    }

    /// How many tasks a filter selects, by kind (the dashboard, and the task page's count).
    public func taskCounts(_ filter: TaskFilter = TaskFilter()) throws -> [(kind: TaskKind, count: Int)] {
        let conditions = try Self.taskConditions(filter)
        return try database.read { transaction in
            try transaction.query(
                "SELECT kind, COUNT(*) FROM tasks t \(conditions.sql) GROUP BY kind ORDER BY kind", conditions.arguments
            ).compactMap { row in
                guard let kind = row[0].string.flatMap(TaskKind.init) else { return nil }
                return (kind, row[1].int ?? 0)
            }
        }
    }

    /// How many tasks a filter selects, by the role they are assigned to (the dashboard).
    public func taskCountsByRole(_ filter: TaskFilter = TaskFilter()) throws -> [(role: StaffRole?, count: Int)] {
        let conditions = try Self.taskConditions(filter)
        return try database.read { transaction in
            try transaction.query(
                "SELECT assignee_role, COUNT(*) FROM tasks t \(conditions.sql) GROUP BY assignee_role ORDER BY assignee_role",
                conditions.arguments
            ).map { (role: $0[0].string.flatMap(StaffRole.init), count: $0[1].int ?? 0) }
        }
    }

    /// The WHERE clause of a `TaskFilter` over `tasks t`, with only the filters given.
    private static func taskConditions(_ filter: TaskFilter) throws -> QueryConditions {
        var conditions = QueryConditions()
        conditions.add("t.status = ?", filter.status.rawValue)
        conditions.add("t.kind = ?", ifGiven: filter.kind?.rawValue)
        conditions.add("t.school = ?", ifGiven: filter.school)
        conditions.add("t.assignee_role = ?", ifGiven: filter.role?.rawValue)
        conditions.add("t.id = ?", ifGiven: filter.id)
        conditions.add("t.school IN (SELECT value FROM json_each(?))", ifGiven: try filter.schools.map { try JSONEncoder.sortedString($0) })
        if let teacher = filter.teacher { about(students: "SELECT student_id FROM enrollments WHERE teacher = ?", teacher, &conditions) }
        if let student = filter.student { about(students: "SELECT ?", student, &conditions) }
        conditions.add("t.due_on <= ?", ifGiven: filter.dueBy?.description)
        return conditions
    }

    /// Tasks about the students `students` selects (with `argument`): about the student record,
    /// their attainments, their matched results or their teachers' claims.
    private static func about(students: String, _ argument: String, _ conditions: inout QueryConditions) {
        conditions.add(
            """
            (t.subject_type = 'student' AND t.subject_id IN (\(students)))
            OR (t.subject_type = 'attainment' AND t.subject_id IN (SELECT CAST(id AS TEXT) FROM attainments WHERE student_id IN (\(students))))
            OR (t.subject_type = 'exam_result' AND t.subject_id IN (SELECT CAST(result_id AS TEXT) FROM matches WHERE student_id IN (\(students))))
            OR (t.subject_type = 'claim' AND t.subject_id IN (SELECT CAST(id AS TEXT) FROM claims WHERE student_id IN (\(students))))
            """, argument, argument, argument, argument)
    }

}
