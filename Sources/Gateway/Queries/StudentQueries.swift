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

/// A student in a picker: the console's "pick one of your students".
public struct StudentChoice: Sendable {
    public var studentID: String
    public var name: String
    public var school: String?
}

extension Gateway {
    /// The students enrolled in a teacher's courses ("Last, First", as in the enrollments'
    /// Teacher column), of `schools` if any are given, by name.
    public func students(teacher: String, schools: [String]) throws -> [StudentChoice] {
        try database.read { transaction in
            try transaction.query(
                """
                SELECT s.student_id, s.last_name || ', ' || s.first_name, s.school FROM students s
                WHERE s.student_id IN (SELECT student_id FROM enrollments WHERE teacher = ?1)
                  AND (?2 IS NULL OR s.school IN (SELECT value FROM json_each(?2)))
                ORDER BY s.last_name, s.first_name, s.student_id
                """, [teacher, schools.isEmpty ? nil : try JSONEncoder.sortedString(schools)]
            ).map { StudentChoice(studentID: $0[0].string ?? "", name: $0[1].string ?? "", school: $0[2].string) }
        }
    }

    /// The credentials a student can earn through their CTE courses (a teacher: through that
    /// teacher's courses): District D's drop-down. Bundles are earned through their components.
    public func alignedCredentials(_ student: StudentDetails, teacher: String?) throws -> [Credential] {
        let courses = Set(student.enrollments.filter { teacher == nil || $0.teacher == teacher }.map(\.course))
        return try CredentialCatalog.load(directory: configDirectory).credentials
            .filter { $0.bundle == nil && !courses.isDisjoint(with: $0.courses) }
            .sorted { $0.name < $1.name }
    }

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
