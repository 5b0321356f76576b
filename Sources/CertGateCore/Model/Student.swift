/// A student from the district roster (an SIS export). Only what matching and reporting need.
public struct Student: Sendable, Hashable {
    public var studentID: String
    public var stateStudentID: String?
    public var firstName: String
    public var middleName: String?
    public var lastName: String
    public var dateOfBirth: CalendarDate?
    public var email: String?
    public var school: String?
    public var grade: String?
    /// Whether the district counts the student as a CTE concentrator (Perkins V 5S1).
    public var isConcentrator: Bool

    public init(
        studentID: String, stateStudentID: String? = nil, firstName: String, middleName: String? = nil,
        lastName: String, dateOfBirth: CalendarDate? = nil, email: String? = nil, school: String? = nil,
        grade: String? = nil, isConcentrator: Bool = false
    ) {
        self.studentID = studentID
        self.stateStudentID = stateStudentID
        self.firstName = firstName
        self.middleName = middleName
        self.lastName = lastName
        self.dateOfBirth = dateOfBirth
        self.email = email
        self.school = school
        self.grade = grade
        self.isConcentrator = isConcentrator
    }

    /// The student has one name only (legally a mononym, or a first name only): the other is empty.
    public var hasSingleName: Bool { firstName.isEmpty || lastName.isEmpty }
}

/// A student's enrollment in one CTE course in one school year.
public struct Enrollment: Sendable, Hashable {
    public var studentID: String
    /// `YYYY-YY`, e.g. `2025-26`.
    public var schoolYear: String
    public var courseNumber: String
    public var courseName: String?
    public var program: String?
    public var teacher: String?

    public init(
        studentID: String, schoolYear: String, courseNumber: String, courseName: String? = nil,
        program: String? = nil, teacher: String? = nil
    ) {
        self.studentID = studentID
        self.schoolYear = schoolYear
        self.courseNumber = courseNumber
        self.courseName = courseName
        self.program = program
        self.teacher = teacher
    }
}
