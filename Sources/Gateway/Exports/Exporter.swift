import CertGateCore
import Foundation
import Store

/// The export formats.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// Approved, reportable attainments of CTE concentrators (Perkins V 5S1), CSV.
    case perkins
    /// One row per attainment for an SIS import, CSV.
    case sisCSV = "sis-csv"
    /// Florida Survey 5 industry-certification records, fixed width.
    case floridaSurvey5 = "florida-survey5"
}

/// What an export wrote, and the records it refused to write wrongly.
public struct ExportResult: Sendable, Encodable {
    public struct Refusal: Sendable, Encodable {
        public var attainment: Int
        public var reason: String
    }

    public var format: String
    public var schoolYear: String
    public var records: Int
    public var refused: [Refusal]
    /// The file's contents.
    public var text: String

    enum CodingKeys: String, CodingKey {
        case format, records, refused
        case schoolYear = "school_year"
    }
}

/// Builds export files from attainments. A record that cannot be exported correctly (no state
/// code, no state student ID, no school number…) is listed with its reason and left out, never
/// written with a blank or a guess.
struct Exporter {
    let catalog: CredentialCatalog
    let rules: Rules

    struct Record {
        var attainment: Int
        var studentID: String
        var stateStudentID: String?
        var school: String?
        var isConcentrator: Bool
        var credential: String
        var earnedOn: CalendarDate
        var source: String
        var reviewStatus: String
        var verificationMethod: String?
        var reportable: Bool
        var enrollments: [(course: String, program: String?)]
    }

    func export(_ format: ExportFormat, year: SchoolYear, _ transaction: Transaction) throws -> ExportResult {
        var records = try read(year, transaction)
        var refused: [ExportResult.Refusal] = []
        var lines: [String] = []
        func refuse(_ record: Record, _ reason: String) { refused.append(.init(attainment: record.attainment, reason: reason)) }

        switch format {
        case .perkins:
            records = records.filter { $0.reviewStatus == "approved" && $0.reportable && $0.isConcentrator }
            lines.append(CSVWriter.line([
                "school_year", "student_id", "state_student_id", "school", "credential_code", "credential_name", "state_code",
                "issuing_provider", "date_earned", "verification_method",
            ]))
            for record in records {
                guard let credential = catalog.credential(record.credential) else { refuse(record, "\(record.credential) is no longer in the catalog"); continue }
                guard let state = credential.stateCode, !state.isEmpty else { refuse(record, "\(credential.code) has no state code"); continue }
                lines.append(CSVWriter.line([
                    year.description, record.studentID, record.stateStudentID ?? "", record.school ?? "", credential.code,
                    credential.name, state, credential.provider, record.earnedOn.description, record.verificationMethod ?? "",
                ]))
            }
        case .sisCSV:
            records = records.filter { $0.reviewStatus != "rejected" }
            lines.append(CSVWriter.line([
                "student_id", "credential_code", "credential_name", "credential_type", "state_code", "date_earned", "source",
                "review_status", "reportable_perkins",
            ]))
            for record in records {
                guard let credential = catalog.credential(record.credential) else { refuse(record, "\(record.credential) is no longer in the catalog"); continue }
                lines.append(CSVWriter.line([
                    record.studentID, credential.code, credential.name, credential.type, credential.stateCode ?? "",
                    record.earnedOn.description, record.source, record.reviewStatus, record.reportable ? "Y" : "N",
                ]))
            }
        case .floridaSurvey5:
            records = records.filter { $0.reviewStatus == "approved" }
            for record in records {
                switch floridaLine(record, year) {
                case .success(let line): lines.append(line + "\r\n")
                case .failure(let reason): refuse(record, reason.description)
                }
            }
        }
        return ExportResult(
            format: format.rawValue, schoolYear: year.description, records: lines.count - (format == .floridaSurvey5 ? 0 : 1),
            refused: refused, text: lines.joined())
    }

    struct Reason: Error, CustomStringConvertible {
        let description: String
        init(_ text: String) { description = text }
    }

    /// One Survey 5 record, modelled on Florida's industry-certification format (check the
    /// state's current layout before submitting): district (2), school (4), local student number
    /// (10), survey period `5` (1), fiscal year (4, e.g. `2526`), Florida Education Identifier
    /// (14), certification identifier (8), outcome `P` (1), course number (7), CTE program code
    /// (7), date earned MMDDCCYY (8): 66 characters.
    func floridaLine(_ record: Record, _ year: SchoolYear) -> Result<String, Reason> {
        guard let credential = catalog.credential(record.credential) else { return .failure(Reason("\(record.credential) is no longer in the catalog")) }
        guard let state = credential.stateCode, state.count == 8 else {
            return .failure(Reason("\(credential.code) has no 8-character state certification identifier"))
        }
        guard let school = record.school, let number = rules.district.schools[school], number.count == 4 else {
            return .failure(Reason("no 4-digit school number for the student's school in rules.json (district.schools)"))
        }
        guard let fleid = record.stateStudentID, fleid.count == 14 else {
            return .failure(Reason("the student has no 14-character Florida Education Identifier (state student ID)"))
        }
        guard record.studentID.count <= 10 else { return .failure(Reason("the local student ID is longer than 10 characters")) }
        guard let enrollment = record.enrollments.first(where: { credential.courses.contains($0.course) }), enrollment.course.count == 7 else {
            return .failure(Reason("no enrollment in an aligned 7-digit course that school year"))
        }
        guard let program = enrollment.program.flatMap({ rules.florida?.programCodes[$0] }), program.count == 7 else {
            return .failure(Reason("no 7-character CTE program code for the enrollment's program in rules.json (florida.program_codes)"))
        }
        guard rules.district.number.count == 2 else { return .failure(Reason("the district number in rules.json must be 2 digits")) }
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        let fiscal = String(format: "%02d%02d", year.startYear % 100, (year.startYear + 1) % 100)
        let date = String(format: "%02d%02d%04d", record.earnedOn.month, record.earnedOn.day, record.earnedOn.year)
        return .success(
            rules.district.number + number + pad(record.studentID, 10) + "5" + fiscal + fleid + state + "P" + enrollment.course
                + program + date)
    }

    private func read(_ year: SchoolYear, _ transaction: Transaction) throws -> [Record] {
        let start = CalendarDate(year: year.startYear, month: rules.schoolYearStartMonth, day: 1)!
        let end = CalendarDate(year: year.startYear + 1, month: rules.schoolYearStartMonth, day: 1)!.adding(days: -1)
        var records: [Record] = []
        try transaction.forEach(
            """
            SELECT a.id, a.student_id, a.credential_code, a.earned_on, a.source, a.review_status, a.verification_method,
                   a.reportable, s.state_student_id, s.school, s.cte_concentrator
            FROM attainments a JOIN students s ON s.student_id = a.student_id
            WHERE a.earned_on BETWEEN ? AND ? ORDER BY a.student_id, a.credential_code, a.earned_on
            """, [start.description, end.description]
        ) { row in
            records.append(
                Record(
                    attainment: row["id"].int ?? 0, studentID: row["student_id"].string ?? "",
                    stateStudentID: row["state_student_id"].string, school: row["school"].string,
                    isConcentrator: row["cte_concentrator"].int == 1, credential: row["credential_code"].string ?? "",
                    earnedOn: CalendarDate(parsing: row["earned_on"].string ?? "")!, source: row["source"].string ?? "",
                    reviewStatus: row["review_status"].string ?? "", verificationMethod: row["verification_method"].string,
                    reportable: row["reportable"].int == 1, enrollments: []))
        }
        for index in records.indices {
            records[index].enrollments = try transaction.query(
                "SELECT course_number, program FROM enrollments WHERE student_id = ? AND school_year = ? ORDER BY course_number",
                [records[index].studentID, year.description]
            ).map { ($0["course_number"].string ?? "", $0["program"].string) }
        }
        return records
    }
}

extension Gateway {
    /// Builds an export for a school year (`certgate export`); the caller writes the text.
    public func export(_ format: ExportFormat, year: SchoolYear) throws -> ExportResult {
        let exporter = Exporter(
            catalog: try CredentialCatalog.load(directory: configDirectory), rules: try Rules.load(directory: configDirectory))
        let result = try database.read { try exporter.export(format, year: year, $0) }
        try database.write { transaction in
            try AuditLog.append(
                transaction, actor: actor, action: "export.\(format.rawValue)", subjectType: "export", subjectID: year.description,
                after: ResultRecords.json([("records", .integer(Int64(result.records))), ("refused", .integer(Int64(result.refused.count)))]))
        }
        return result
    }
}
