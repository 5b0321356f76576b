import CertGateCore
import Foundation
import Matching
import Store

/// The roster side of matching: every student in the matcher's blocking index, and each one's
/// school. For a state's 500,000 students it takes seconds to build, so a pull builds it on a
/// connection of its own while it waits on the provider, and matching uses it if the roster has
/// not changed in the meantime.
struct RosterIndex: Sendable {
    let matcher: Matcher
    let schools: [String: String]
    /// The roster's size and latest change when it was read.
    let fingerprint: String

    /// Reads the roster and the matching settings and builds the index.
    init(_ transaction: Transaction, configDirectory: String) throws {
        let settings = try Self.loadSettings(configDirectory: configDirectory)
        var students: [RosterPerson] = []
        var schools: [String: String] = [:]
        try transaction.forEach(
            "SELECT student_id, first_name, middle_name, last_name, date_of_birth, email, school FROM students ORDER BY student_id"
        ) { row in
            let id = row[0].string ?? ""
            students.append(
                RosterPerson(
                    studentID: id, firstName: row[1].string ?? "", middleName: row[2].string, lastName: row[3].string ?? "",
                    dateOfBirth: row[4].string.flatMap { CalendarDate(parsing: $0) }, email: row[5].string, school: row[6].string))
            schools[id] = row[6].string
        }
        fingerprint = try Self.fingerprint(transaction)
        matcher = Matcher(students: students, settings: settings.0, nicknames: settings.1)
        self.schools = schools
    }

    /// Changes whenever a roster import adds, changes or removes a student.
    static func fingerprint(_ transaction: Transaction) throws -> String {
        let row = try transaction.query("SELECT COUNT(*), COALESCE(MAX(updated_at), '') FROM students")[0]
        return "\(row[0].int ?? 0)|\(row[1].string ?? "")"
    }

    /// Starts building the index on a thread and database connection of its own (a WAL reader
    /// that neither waits for nor holds up the pull's writes); nil if that failed (matching then
    /// builds it itself and reports any error).
    static func ahead(database: Database, configDirectory: String) -> Background<RosterIndex?> {
        Background {
            // SQLite's one connection is the pull's; PostgreSQL lends this read a connection of its own.
            let reader = database.dialect == .sqlite ? try? Database(location: database.location) : database
            return try? reader?.read { try RosterIndex($0, configDirectory: configDirectory) }
        }
    }

    private static func loadSettings(configDirectory: String) throws -> (MatchSettings, NicknameTable) {
        let folder = configDirectory as NSString
        func load<T>(_ name: String, _ read: (String) throws -> T) throws -> T {
            let path = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CertGateError(.configuration, "cannot read '\(path)'; matching needs it (copy it from CertGate's config folder)")
            }
            do {
                return try read(path)
            } catch let error as DecodingError {
                throw CertGateError(.configuration, "\(path): \(error.readableDescription)")
            }
        }
        return (try load("matching.json", MatchSettings.load), try load("nicknames.json", NicknameTable.load))
    }
}
