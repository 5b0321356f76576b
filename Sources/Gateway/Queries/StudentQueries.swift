import CertGateCore
import Foundation
import Store

/// One student as the console's student page shows them.
public struct StudentDetails: Sendable {
    public struct Enrollment: Sendable {
        public var schoolYear: String
        public var course: String
        public var courseName: String?
        public var teacher: String?
    }

    public var studentID: String
    public var firstName: String
    public var lastName: String
    public var school: String?
    public var grade: String?
    public var concentrator: Bool
    public var enrollments: [Enrollment]
}

extension Gateway {
    /// A student, if `account` may see them: coordinators and auditors every student; school
    /// leads (and clerks or teachers tied to schools) their schools'; teachers only students
    /// enrolled in their own courses. Nil otherwise, as for a student who does not exist.
    public func student(_ id: String, visibleTo account: UserAccount) throws -> StudentDetails? {
        try database.read { transaction in
            guard let row = try transaction.query(
                "SELECT student_id, first_name, last_name, school, grade, cte_concentrator FROM students WHERE student_id = ?", [id]
            ).first else { return nil }
            let school = row[3].string
            if !account.schools.isEmpty && account.role != .cteCoordinator && account.role != .auditor {
                guard let school, account.schools.contains(school) else { return nil }
            }
            let enrollments = try transaction.query(
                "SELECT school_year, course_number, course_name, teacher FROM enrollments WHERE student_id = ? ORDER BY school_year DESC, course_number",
                [id]
            ).map { StudentDetails.Enrollment(schoolYear: $0[0].string ?? "", course: $0[1].string ?? "", courseName: $0[2].string, teacher: $0[3].string) }
            if account.role == .cteTeacher {
                guard let name = account.teacherName, enrollments.contains(where: { $0.teacher == name }) else { return nil }
            }
            return StudentDetails(
                studentID: row[0].string ?? "", firstName: row[1].string ?? "", lastName: row[2].string ?? "", school: school,
                grade: row[4].string, concentrator: row[5].int == 1, enrollments: enrollments)
        }
    }
}
