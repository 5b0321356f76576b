/// The roster fields CertGate reads from an SIS student export.
public enum StudentField: String, CaseIterable, Sendable {
    case studentID = "student_id"
    case stateStudentID = "state_student_id"
    case firstName = "first_name"
    case middleName = "middle_name"
    case lastName = "last_name"
    case dateOfBirth = "date_of_birth"
    case email
    case school
    case grade
    case cteConcentrator = "cte_concentrator"

    static let required: Set<StudentField> = [.studentID, .firstName, .lastName]
}

/// The fields CertGate reads from an SIS course-enrollment export.
public enum EnrollmentField: String, CaseIterable, Sendable {
    case studentID = "student_id"
    case schoolYear = "school_year"
    case courseNumber = "course_number"
    case courseName = "course_name"
    case program
    case teacher

    static let required: Set<EnrollmentField> = [.studentID, .schoolYear, .courseNumber]
}

extension Dictionary where Key == String, Value == [String] {
    /// Header aliases keyed by field, from the configuration's snake_case names; a field the
    /// configuration leaves out is matched by its own name only.
    func aliases<Field: RawRepresentable & CaseIterable & Hashable>(for _: Field.Type) -> [Field: [String]]
    where Field.RawValue == String {
        var result: [Field: [String]] = [:]
        for field in Field.allCases { result[field] = [field.rawValue] + (self[field.rawValue] ?? []) }
        return result
    }
}
