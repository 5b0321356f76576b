import CertGateCore
import Store

/// Reads and writes roster rows.
enum StudentRecords {
    enum UpsertOutcome { case new, updated, unchanged }

    static func exists(_ studentID: String, _ transaction: Transaction) throws -> Bool {
        try transaction.scalar("SELECT 1 FROM students WHERE student_id = ?", [studentID]) != .null
    }

    /// Inserts a student, or updates the stored one when a value differs.
    static func upsert(_ student: Student, _ transaction: Transaction, now: String) throws -> UpsertOutcome {
        let values: [any SQLBindable] = [
            student.stateStudentID, student.firstName, student.middleName, student.lastName,
            student.dateOfBirth?.description, student.email, student.school, student.grade, student.isConcentrator,
        ]
        let existing = try transaction.query(
            """
            SELECT state_student_id, first_name, middle_name, last_name, date_of_birth, email, school, grade,
                   cte_concentrator
            FROM students WHERE student_id = ?
            """, [student.studentID]
        ).first
        guard let existing else {
            try transaction.execute(
                """
                INSERT INTO students (state_student_id, first_name, middle_name, last_name, date_of_birth, email, school,
                                      grade, cte_concentrator, student_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, values + [student.studentID, now, now])
            return .new
        }
        if existing.values == values.map(\.sqlValue) { return .unchanged }
        try transaction.execute(
            """
            UPDATE students SET state_student_id = ?, first_name = ?, middle_name = ?, last_name = ?, date_of_birth = ?,
                   email = ?, school = ?, grade = ?, cte_concentrator = ?, updated_at = ?
            WHERE student_id = ?
            """, values + [now, student.studentID])
        return .updated
    }

    /// Inserts an enrollment, or updates the stored one when a value differs.
    static func upsert(_ enrollment: Enrollment, _ transaction: Transaction, now: String) throws -> UpsertOutcome {
        let key: [any SQLBindable] = [enrollment.studentID, enrollment.schoolYear, enrollment.courseNumber]
        let values: [any SQLBindable] = [enrollment.courseName, enrollment.program, enrollment.teacher]
        let existing = try transaction.query(
            """
            SELECT course_name, program, teacher FROM enrollments
            WHERE student_id = ? AND school_year = ? AND course_number = ?
            """, key
        ).first
        guard let existing else {
            try transaction.execute(
                """
                INSERT INTO enrollments (course_name, program, teacher, updated_at, student_id, school_year, course_number)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, values + [now] + key)
            return .new
        }
        if existing.values == values.map(\.sqlValue) { return .unchanged }
        try transaction.execute(
            """
            UPDATE enrollments SET course_name = ?, program = ?, teacher = ?, updated_at = ?
            WHERE student_id = ? AND school_year = ? AND course_number = ?
            """, values + [now] + key)
        return .updated
    }
}
