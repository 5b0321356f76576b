import CertGateCore
import Foundation
import Store

/// District C's end-of-year check: the SIS's certificate report beside CertGate's attainments.
public struct SISComparison: Sendable, Encodable {
    public enum Difference: String, Sendable, Encodable {
        /// The SIS has it; CertGate has no attainment to back it.
        case sisOnly = "sis_only"
        /// CertGate has the attainment; the SIS does not.
        case certgateOnly = "certgate_only"
        /// Both have it, on dates further apart than the reconcile tolerance.
        case dateDiffers = "date_differs"
    }

    public struct Row: Sendable, Encodable {
        public var difference: Difference
        public var studentID: String
        public var school: String
        public var credentialCode: String
        public var sisDate: String?
        public var certgateDate: String?
        /// Where in the SIS file (`file:line`), for rows from it.
        public var location: String?

        enum CodingKeys: String, CodingKey {
            case difference, school, location
            case studentID = "student_id", credentialCode = "credential_code", sisDate = "sis_date", certgateDate = "certgate_date"
        }
    }

    public var schoolYear: String
    public var sisRows: Int
    public var agreeing: Int
    public var differences: [Row]
    /// SIS rows that could not be read (unknown student or credential, no date).
    public var problems: [LogImportSummary.Problem]

    enum CodingKeys: String, CodingKey {
        case agreeing, differences, problems
        case schoolYear = "school_year", sisRows = "sis_rows"
    }
}

extension Gateway {
    /// Compares a certificate report exported from the SIS (CSV or .xlsx; headers through
    /// gateway.json `sis_report`) with the school year's attainments (rejected ones left out).
    public func compareWithSIS(_ path: String, schoolYear year: SchoolYear, school: String? = nil) throws -> SISComparison {
        let catalog = try CredentialCatalog.load(directory: configDirectory)
        let rules = try Rules.load(directory: configDirectory)
        let resolver = CredentialResolver(catalog: catalog)
        let log = try LogFile.read(path)
        let tolerance = rules.reconcile.dateToleranceDays
        let roster = try StudentNumbers(database)
        let schools = roster.schools
        var comparison = SISComparison(schoolYear: year.description, sisRows: 0, agreeing: 0, differences: [], problems: [])
        // What the SIS lists: student and credential → dates.
        var listed: [String: [(student: String, credential: String, date: CalendarDate, location: String)]] = [:]
        log.records(aliases: config.sisReport.columns) { label in
            comparison.problems.append(.init(location: label, message: "no header row: expected columns such as Student ID, Industry Certification and Date Earned (names in config/gateway.json sis_report)"))
        } _: { location, cell in
            do {
                let student = try roster.student(cell)
                let credential = try resolver.resolve(cell("credential"))
                let text = cell("date")
                guard let date = Double(text).flatMap(log.serialDate) ?? CalendarDate(parsing: text) else {
                    throw CertGateError(.input, text.isEmpty ? "no date earned" : "date '\(text)' is not a date")
                }
                guard rules.schoolYear(of: date) == year, school == nil || schools[student] == school else { return }
                comparison.sisRows += 1
                listed[ClaimEvidence.key(student, credential.code), default: []].append((student, credential.code, date, location))
            } catch let error as CertGateError {
                comparison.problems.append(.init(location: location, message: error.message))
            } catch {
                comparison.problems.append(.init(location: location, message: "\(error)"))
            }
        }
        // What CertGate holds that year.
        let (start, end) = rules.days(of: year)
        var conditions = QueryConditions()
        conditions.add("a.earned_on >= ? AND a.earned_on < ?", start, end)
        conditions.add("a.review_status <> 'rejected'")
        conditions.add("s.school = ?", ifGiven: school)
        let held = try database.read { transaction in
            try transaction.query(
                "SELECT a.student_id, a.credential_code, a.earned_on FROM attainments a JOIN students s ON s.student_id = a.student_id \(conditions.sql)",
                conditions.arguments
            ).compactMap { row -> (String, String, CalendarDate)? in
                guard let date = row[2].string.flatMap({ CalendarDate(parsing: $0) }) else { return nil }
                return (row[0].string ?? "", row[1].string ?? "", date)
            }
        }
        var heldByKey: [String: [CalendarDate]] = [:]
        for (student, credential, date) in held { heldByKey[ClaimEvidence.key(student, credential), default: []].append(date) }
        for (key, entries) in listed.sorted(by: { $0.key < $1.key }) {
            for entry in entries {
                let nearest = (heldByKey[key] ?? []).min { abs($0.days(to: entry.date)) < abs($1.days(to: entry.date)) }
                if let nearest, abs(nearest.days(to: entry.date)) <= tolerance {
                    comparison.agreeing += 1
                    continue
                }
                comparison.differences.append(
                    .init(difference: nearest == nil ? .sisOnly : .dateDiffers, studentID: entry.student, school: schools[entry.student] ?? "",
                          credentialCode: entry.credential, sisDate: entry.date.description, certgateDate: nearest?.description,
                          location: entry.location))
            }
        }
        for (student, credential, date) in held.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) where listed[ClaimEvidence.key(student, credential)] == nil {
            comparison.differences.append(
                .init(difference: .certgateOnly, studentID: student, school: schools[student] ?? "", credentialCode: credential, sisDate: nil,
                      certgateDate: date.description, location: nil))
        }
        return comparison
    }
}
