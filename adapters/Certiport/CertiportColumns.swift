/// The columns of a Certiport-style exam-results report.
enum CertiportColumn: String, CaseIterable, Hashable, Sendable {
    case candidateID = "candidate_id"
    case firstName = "first_name"
    case lastName = "last_name"
    case dateOfBirth = "date_of_birth"
    case email
    case studentID = "student_id"
    case examCode = "exam_code"
    case examTitle = "exam_title"
    case examDate = "exam_date"
    case score
    case passingScore = "passing_score"
    case result
    case examGroupID = "exam_group_id"
    case testingCenterID = "testing_center_id"
    case testingCenter = "testing_center"
    case proctor
    case verificationCode = "verification_code"
    case attempt

    /// The header names every Certiport-style report uses; a provider's configuration may add more.
    static let defaultHeaders: [CertiportColumn: [String]] = [
        .candidateID: ["Candidate ID", "Candidate Username", "Username"],
        .firstName: ["First Name"],
        .lastName: ["Last Name"],
        .dateOfBirth: ["Date of Birth", "DOB", "Birth Date"],
        .email: ["Email", "Email Address"],
        .studentID: ["Student ID", "StudentID"],
        .examCode: ["Exam Code", "Exam Number"],
        .examTitle: ["Exam Title", "Exam Name"],
        .examDate: ["Exam Date", "Date Taken", "Exam Date Time"],
        .score: ["Score"],
        .passingScore: ["Passing Score", "Cut Score"],
        .result: ["Result", "Pass/Fail"],
        .examGroupID: ["Exam Group ID"],
        .testingCenterID: ["Testing Center ID", "Site ID"],
        .testingCenter: ["Testing Center", "Testing Center Name", "Site Name"],
        .proctor: ["Proctor", "Proctor Name"],
        .verificationCode: ["Verification Code", "Certificate Verification Code"],
        .attempt: ["Attempt", "Attempt Number"],
    ]

    static let required: Set<CertiportColumn> = [.candidateID, .examCode, .examDate, .result]

    /// Columns that hold personal data, replaced by pseudonyms in recorded feeds.
    static let personal: [CertiportColumn] = [
        .candidateID, .firstName, .lastName, .dateOfBirth, .email, .studentID, .proctor, .verificationCode,
    ]
}
