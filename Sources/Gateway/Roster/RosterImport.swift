public import CertGateCore
import Foundation
public import Store

/// What a roster import did.
public struct RosterImportSummary: Sendable, Codable, Equatable {
    /// Counts for one file.
    public struct FileCounts: Sendable, Codable, Equatable {
        public var file: String
        public var rows = 0
        public var new = 0
        public var updated = 0
        public var unchanged = 0
        /// Students with one name only (a last name, or a first name), accepted and marked.
        public var singleName = 0
        /// Headers that matched no field (ignored).
        public var ignoredColumns: [String] = []

        enum CodingKeys: String, CodingKey {
            case file, rows, new, updated, unchanged
            case ignoredColumns = "ignored_columns", singleName = "single_name"
        }
    }

    public var students: FileCounts
    public var enrollments: FileCounts?
    /// Results still in review or unmatched, matched again against the new roster.
    public var matching: MatchSummary?
    /// The data checks run after the import.
    public var checks: CheckSummary?
    public var seconds: Double
}

/// Imports an SIS roster export (and optionally its CTE enrollments) into the store.
///
/// Header names are mapped through the configuration, so a Skyward, Focus or PowerSchool export
/// loads unedited. Both files are imported in one transaction: a bad row anywhere rejects the
/// import with every problem listed (file, line, field) and leaves the database as it was. A
/// re-import updates students and enrollments in place and never duplicates them.
public struct RosterImport {
    public var database: Database
    public var settings: GatewayConfig.Roster
    public var actor: String
    /// The most errors listed before "… and N more".
    public var errorLimit = 20

    public init(database: Database, settings: GatewayConfig.Roster, actor: String) {
        self.database = database
        self.settings = settings
        self.actor = actor
    }

    /// Imports a roster file and an optional enrollments file.
    public func run(rosterPath: String, enrollmentsPath: String? = nil) throws -> RosterImportSummary {
        let started = Date()
        let now = Timestamp.string(started)
        let rosterName = (rosterPath as NSString).lastPathComponent
        let enrollmentsName = enrollmentsPath.map { ($0 as NSString).lastPathComponent }
        return try database.write { transaction in
            let students = try importStudents(path: rosterPath, name: rosterName, transaction, now: now)
            let enrollments = try enrollmentsPath.map {
                try importEnrollments(path: $0, name: enrollmentsName!, transaction, now: now)
            }
            try transaction.executeScript(RosterCoverageSQL.refresh)
            var summary = RosterImportSummary(students: students, enrollments: enrollments, seconds: 0)
            let details = try JSONEncoder.sortedString(summary)
            try AuditLog.append(
                transaction, actor: actor, action: "roster.import", subjectType: "roster",
                subjectID: enrollmentsName.map { "\(rosterName)+\($0)" } ?? rosterName, after: details, at: started)
            summary.seconds = Date().timeIntervalSince(started)
            return summary
        }
    }

    private func importStudents(path: String, name: String, _ transaction: Transaction, now: String) throws
        -> RosterImportSummary.FileCounts
    {
        var collector = ErrorCollector(file: name, limit: errorLimit)
        let table = try collector.open {
            try CSVTable(
                reader: CSVReader(path: path, displayName: name), name: name,
                aliases: settings.studentColumns.aliases(for: StudentField.self), required: StudentField.required)
        }
        var counts = RosterImportSummary.FileCounts(file: name, ignoredColumns: table.ignoredHeaders)
        var seen: [String: Int] = [:]
        while let row = try collector.nextRow(table) {
            counts.rows += 1
            guard let student = collector.check({ try parseStudent(row, table) }) else { continue }
            if let first = seen.updateValue(row.line, forKey: student.studentID) {
                collector.add(InputError(table.location(row, .studentID), "the same student ID is also on line \(first)"))
                continue
            }
            guard collector.isClean else { continue }  // keep validating, stop writing
            if student.hasSingleName { counts.singleName += 1 }
            switch try StudentRecords.upsert(student, transaction, now: now) {
            case .new: counts.new += 1
            case .updated: counts.updated += 1
            case .unchanged: counts.unchanged += 1
            }
        }
        try collector.finish()
        return counts
    }

    private func importEnrollments(path: String, name: String, _ transaction: Transaction, now: String) throws
        -> RosterImportSummary.FileCounts
    {
        var collector = ErrorCollector(file: name, limit: errorLimit)
        let table = try collector.open {
            try CSVTable(
                reader: CSVReader(path: path, displayName: name), name: name,
                aliases: settings.enrollmentColumns.aliases(for: EnrollmentField.self),
                required: EnrollmentField.required)
        }
        var counts = RosterImportSummary.FileCounts(file: name, ignoredColumns: table.ignoredHeaders)
        var seen: [String: Int] = [:]
        while let row = try collector.nextRow(table) {
            counts.rows += 1
            guard let enrollment = collector.check({ try parseEnrollment(row, table) }) else { continue }
            let key = "\(enrollment.studentID)\u{1F}\(enrollment.schoolYear)\u{1F}\(enrollment.courseNumber)"
            if let first = seen.updateValue(row.line, forKey: key) {
                collector.add(
                    InputError(
                        table.location(row, .courseNumber), "the same student, year and course are also on line \(first)"))
                continue
            }
            guard try StudentRecords.exists(enrollment.studentID, transaction) else {
                collector.add(InputError(table.location(row, .studentID), "no student with this ID in the roster"))
                continue
            }
            guard collector.isClean else { continue }
            switch try StudentRecords.upsert(enrollment, transaction, now: now) {
            case .new: counts.new += 1
            case .updated: counts.updated += 1
            case .unchanged: counts.unchanged += 1
            }
        }
        try collector.finish()
        return counts
    }

    private func parseStudent(_ row: CSVTable<StudentField>.Row, _ table: CSVTable<StudentField>) throws -> Student {
        func required(_ field: StudentField) throws -> String {
            guard let value = row[field] else { throw InputError(table.location(row, field), "a value is required") }
            return value
        }
        // Some students legally have one name: a last name only, or a first name only, is kept
        // as it is (and counted); a row with neither is refused.
        guard row[.firstName] != nil || row[.lastName] != nil else {
            throw InputError(table.location(row, .lastName), "the student has no name (first and last name are both empty)")
        }
        var student = Student(
            studentID: try required(.studentID), stateStudentID: row[.stateStudentID], firstName: row[.firstName] ?? "",
            middleName: row[.middleName], lastName: row[.lastName] ?? "")
        if let text = row[.dateOfBirth] {
            // The value itself is never echoed: it is a minor's date of birth.
            guard let date = CalendarDate(parsing: text) else {
                throw InputError(table.location(row, .dateOfBirth), "not a valid date (expected MM/DD/YYYY or YYYY-MM-DD)")
            }
            student.dateOfBirth = date
        }
        if let email = row[.email] {
            guard email.contains("@"), !email.contains(where: \.isWhitespace) else {
                throw InputError(table.location(row, .email), "not an email address")
            }
            student.email = email
        }
        student.school = row[.school]
        if let grade = row[.grade] {
            guard let normalized = Self.normalizeGrade(grade) else {
                throw InputError(table.location(row, .grade), "'\(grade)' is not a grade (expected PK, K or 1 to 12)")
            }
            student.grade = normalized
        }
        if let flag = row[.cteConcentrator] {
            guard let value = parseFlag(flag) else {
                throw InputError(
                    table.location(row, .cteConcentrator),
                    "'\(flag)' is not yes or no (expected one of \(settings.trueValues.joined(separator: ", ")) or N, No, 0)")
            }
            student.isConcentrator = value
        }
        return student
    }

    private func parseEnrollment(_ row: CSVTable<EnrollmentField>.Row, _ table: CSVTable<EnrollmentField>) throws
        -> Enrollment
    {
        func required(_ field: EnrollmentField) throws -> String {
            guard let value = row[field] else { throw InputError(table.location(row, field), "a value is required") }
            return value
        }
        let yearText = try required(.schoolYear)
        guard let year = SchoolYear(parsing: yearText) else {
            throw InputError(
                table.location(row, .schoolYear), "'\(yearText)' is not a school year (expected e.g. 2025-26 or 2025-2026)")
        }
        return Enrollment(
            studentID: try required(.studentID), schoolYear: year.description, courseNumber: try required(.courseNumber),
            courseName: row[.courseName], program: row[.program], teacher: row[.teacher])
    }

    private func parseFlag(_ text: String) -> Bool? {
        let value = text.lowercased()
        if settings.trueValues.contains(where: { $0.lowercased() == value }) { return true }
        if ["n", "no", "false", "0", "f"].contains(value) { return false }
        return nil
    }

    /// `PK`, `K` or a number 1–12 (leading zeros dropped: exports write `09`).
    static func normalizeGrade(_ text: String) -> String? {
        let value = text.uppercased()
        if ["PK", "K", "KG", "TK"].contains(value) { return value == "KG" ? "K" : value }
        if let number = Int(value), (1...12).contains(number) { return String(number) }
        return nil
    }
}

extension JSONEncoder {
    /// JSON with sorted keys: stable for audit hashes and golden tests.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// A value as sorted-key JSON text, for audit events and stored details.
    static func sortedString(_ value: some Encodable) throws -> String {
        String(decoding: try sorted.encode(value), as: UTF8.self)
    }
}
