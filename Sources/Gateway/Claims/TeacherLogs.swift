import CertGateCore
import Foundation
import Matching
import Spreadsheet
import Store

/// What `certgate logs import` did with each file.
public struct LogImportSummary: Sendable, Codable {
    /// A row that could not become a claim: where it is (`file:sheet:row`, or `file:line` for
    /// CSV) and what is wrong.
    public struct Problem: Sendable, Codable {
        public var location: String
        public var message: String
    }

    public struct File: Sendable, Codable {
        public var name: String
        public var rows = 0
        public var new = 0
        public var updated = 0
        public var unchanged = 0
        /// Claims an earlier import of this file made whose rows are gone from it now.
        public var removed = 0
        public var problems: [Problem] = []
    }

    public var files: [File] = []
}

/// One row of a log, wherever it came from.
struct LogRow {
    var location: String
    var detail: String
    var cells: [String]
}

/// A log file as rows by sheet: an Excel workbook (each sheet) or a CSV file (one sheet).
struct LogFile {
    var name: String
    var sheets: [(name: String?, rows: [(number: Int, cells: [String])])]
    /// How a number in a date column becomes a date (Excel's serial days), if it can.
    var serialDate: (Double) -> CalendarDate?

    /// Each row with data under its sheet's header row: where it is (`file:sheet:row`) and its
    /// cells by field (trimmed; "" when absent). A sheet with data but no header row is handed
    /// to `headerless` by its label.
    func records(
        aliases: [String: [String]], headerless: (String) -> Void, _ body: (_ location: String, _ cell: (String) -> String) throws -> Void
    ) rethrows {
        for sheet in sheets {
            let label = sheet.name.map { "\(name):\($0)" } ?? name
            guard let (headerIndex, columns) = Gateway.logHeader(sheet.rows, aliases: aliases) else {
                if sheet.rows.contains(where: { $0.cells.contains { !$0.trimmingSpaces.isEmpty } }) { headerless(label) }
                continue
            }
            for (number, cells) in sheet.rows[(headerIndex + 1)...] where cells.contains(where: { !$0.trimmingSpaces.isEmpty }) {
                try body("\(label):\(number)") { field in
                    guard let index = columns[field], index < cells.count else { return "" }
                    return String(cells[index].trimmingSpaces)
                }
            }
        }
    }

    static func read(_ path: String) throws -> LogFile {
        let name = (path as NSString).lastPathComponent
        if name.lowercased().hasSuffix(".xlsx") {
            let workbook: Workbook
            do {
                workbook = try Workbook(path: path)
                var sheets: [(String?, [(Int, [String])])] = []
                for sheet in workbook.sheets {
                    var rows: [(Int, [String])] = []
                    try workbook.rows(of: sheet) { rows.append(($0, $1)) }
                    sheets.append((sheet.name, rows))
                }
                return LogFile(name: name, sheets: sheets, serialDate: workbook.date(serial:))
            } catch let error as SpreadsheetError {
                throw CertGateError(.input, error.description)
            }
        }
        let reader = try CSVReader(path: path, displayName: name)
        var rows: [(Int, [String])] = []
        while let record = try reader.next() { rows.append((record.line, record.fields)) }
        return LogFile(name: name, sheets: [(nil, rows)], serialDate: { _ in nil })
    }
}

extension Gateway {
    /// Imports teachers' logs (CSV or .xlsx): each good row becomes (or updates) that teacher's
    /// claim, kept with its file, sheet and row; an earlier import of the same file is replaced
    /// (rows gone from the file take their claims with them). Bad rows are reported and skipped:
    /// a teacher's file is never rejected whole. The checks of every student touched run after.
    /// - Parameter teacher: "Last, First" for rows without a teacher column.
    public func importTeacherLogs(_ paths: [String], teacher: String? = nil) throws -> LogImportSummary {
        let catalog = try CredentialCatalog.load(directory: configDirectory)
        let resolver = CredentialResolver(catalog: catalog)
        let roster = try StudentNumbers(database)
        var summary = LogImportSummary()
        var touched: Set<String> = []
        for path in paths {
            var file = LogImportSummary.File(name: (path as NSString).lastPathComponent)
            let log: LogFile
            do {
                log = try LogFile.read(path)
            } catch let error as CertGateError {
                let message = error.message.hasPrefix(file.name + ": ") ? String(error.message.dropFirst(file.name.count + 2)) : error.message
                file.problems.append(.init(location: file.name, message: message))
                summary.files.append(file)
                continue
            }
            var entries: [(key: String, entry: ClaimEntry)] = []
            var seen: [String: String] = [:]
            log.records(aliases: config.teacherLogs.columns) { label in
                file.problems.append(.init(location: label, message: "no header row: expected columns such as "
                    + "State Student Number, Certificate or Component Earned and Exam Date (names in config/gateway.json teacher_logs)"))
            } _: { location, cell in
                file.rows += 1
                do {
                    let entry = try Self.claim(
                        cell, roster: roster, resolver: resolver, serialDate: log.serialDate, teacher: teacher, origin: location)
                    let key = [entry.studentID, entry.credentialCode, entry.examDate.description, entry.teacher].joined(separator: "\u{1F}")
                    if let first = seen[key] { throw CertGateError(.input, "the same claim as \(first)") }
                    seen[key] = location
                    entries.append((key, entry))
                } catch let error as CertGateError {
                    file.problems.append(.init(location: location, message: error.message))
                } catch {
                    file.problems.append(.init(location: location, message: "\(error)"))
                }
            }
            // A file with nothing usable in it (a renamed header, the wrong file) keeps what an
            // earlier import of it stored: it is not read as "every row was deleted".
            if entries.isEmpty && !file.problems.isEmpty {
                file.problems.append(.init(location: log.name, message: "nothing imported from this file; claims from an earlier import of it are kept"))
            } else {
                try storeLogClaims(entries.map(\.entry), file: log.name, into: &file, touched: &touched)
            }
            summary.files.append(file)
        }
        if !touched.isEmpty { _ = try runChecks(students: touched) }
        return summary
    }

    /// The header row (within the first 20) and the column of each field it names: the first row
    /// naming a credential and at least two more fields.
    static func logHeader(_ rows: [(number: Int, cells: [String])], aliases: [String: [String]]) -> (Int, [String: Int])? {
        var fieldOf: [String: String] = [:]
        for (field, names) in aliases { for name in names { fieldOf[CSVTable<String>.normalize(name)] = field } }
        for (index, row) in rows.prefix(20).enumerated() {
            var columns: [String: Int] = [:]
            for (column, cell) in row.cells.enumerated() {
                if let field = fieldOf[CSVTable<String>.normalize(cell)], columns[field] == nil { columns[field] = column }
            }
            if columns["credential"] != nil, columns.count >= 3 { return (index, columns) }
        }
        return nil
    }

    /// One row as a claim, or why it cannot be one.
    private static func claim(
        _ cell: (String) -> String, roster: StudentNumbers,
        resolver: CredentialResolver, serialDate: (Double) -> CalendarDate?, teacher: String?, origin: String
    ) throws -> ClaimEntry {
        let student = try roster.student(cell)
        // The logged name, if any, must carry the roster's last name (a wrong number is caught here).
        // Compared without case, accents or punctuation: "Garcia-Lopez" is García-López.
        func folded(_ text: String) -> String {
            CSVTable<String>.normalize(text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil))
        }
        let name = folded(cell("student_name"))
        if !name.isEmpty, let last = roster.lastNames[student].map(folded), !last.isEmpty, !name.contains(last) {
            throw CertGateError(.input, "the Student Name does not match the roster's name for student \(student): check the student number")
        }
        let credential = try resolver.resolve(cell("credential"))
        let dateText = cell("exam_date")
        guard let date = Double(dateText).flatMap(serialDate) ?? CalendarDate(parsing: dateText) else {
            throw CertGateError(.input, dateText.isEmpty ? "no exam date" : "exam date '\(dateText)' is not a date (YYYY-MM-DD, MM/DD/YYYY or an Excel date)")
        }
        let outcome: ClaimOutcome
        switch cell("outcome").lowercased() {
        case "", "pass", "passed", "p", "yes", "y", "true", "1": outcome = .pass
        case "fail", "failed", "f", "no", "n", "false", "0": outcome = .fail
        case let other: throw CertGateError(.input, "result '\(other)' is neither pass nor fail")
        }
        let rowTeacher = cell("teacher")
        guard let claimant = rowTeacher.isEmpty ? teacher : rowTeacher else {
            throw CertGateError(.input, "no teacher: the file has no CTE Course Teacher column; give --teacher \"Last, First\"")
        }
        let proctor = cell("proctor")
        return ClaimEntry(
            studentID: student, credentialCode: credential.code, examDate: date, outcome: outcome, proctor: proctor.isEmpty ? nil : proctor,
            teacher: claimant, origin: .file, originDetail: origin)
    }

    /// Stores one file's claims in one transaction, replacing what an earlier import of the file stored.
    private func storeLogClaims(_ entries: [ClaimEntry], file name: String, into file: inout LogImportSummary.File, touched: inout Set<String>)
        throws
    {
        let now = Date()
        let stamp = Timestamp.string(now)
        var counts = (new: 0, updated: 0, unchanged: 0, removed: 0)
        var affected: Set<String> = []
        try database.write { transaction in
            var kept: Set<Int> = []
            for entry in entries {
                let key: [any SQLBindable] = [entry.studentID, entry.credentialCode, entry.examDate.description, entry.teacher]
                let existing = try transaction.query(
                    "SELECT id, outcome, proctor, origin_file FROM claims WHERE student_id = ? AND credential_code = ? AND exam_date = ? AND teacher = ?",
                    key
                ).first
                if let existing, let id = existing[0].int {
                    kept.insert(id)
                    if existing[1].string == entry.outcome.rawValue && existing[2].string == entry.proctor && existing[3].string == name {
                        counts.unchanged += 1
                        continue
                    }
                    try transaction.execute(
                        """
                        UPDATE claims SET outcome = ?, proctor = ?, origin = 'file', origin_file = ?, origin_detail = ?, updated_at = ? WHERE id = ?
                        """, [entry.outcome.rawValue, entry.proctor, name, entry.originDetail, stamp, id])
                    counts.updated += 1
                } else {
                    kept.insert(try transaction.insertReturningID(
                        """
                        INSERT INTO claims (student_id, credential_code, exam_date, teacher, outcome, proctor, origin, origin_file, origin_detail,
                                            logged_by, logged_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, 'file', ?, ?, ?, ?, ?)
                        """, key + [entry.outcome.rawValue, entry.proctor, name, entry.originDetail, actor, stamp, stamp]))
                    counts.new += 1
                }
                affected.insert(entry.studentID)
            }
            // Rows gone from the file take their claims with them.
            for row in try transaction.query("SELECT id, student_id FROM claims WHERE origin_file = ?", [name]) {
                guard let id = row[0].int, !kept.contains(id) else { continue }
                try transaction.execute("DELETE FROM claims WHERE id = ?", [id])
                try TaskRecords.resolve(
                    TaskKind.allCases, subjectType: "claim", subjectID: "\(id)", note: "the claim's row is gone from \(name)", transaction,
                    actor: actor, now: now)
                try AuditLog.append(
                    transaction, actor: actor, action: "claim.remove", subjectType: "claim", subjectID: "\(id)",
                    after: ResultRecords.json([("file", .text(name))]), at: now)
                affected.insert(row[1].string ?? "")
                counts.removed += 1
            }
            try AuditLog.append(
                transaction, actor: actor, action: "logs.import", subjectType: "log_file", subjectID: name,
                after: ResultRecords.json([
                    ("new", .integer(Int64(counts.new))), ("updated", .integer(Int64(counts.updated))),
                    ("unchanged", .integer(Int64(counts.unchanged))), ("removed", .integer(Int64(counts.removed))),
                    ("problems", .integer(Int64(file.problems.count))),
                ]), at: now)
        }
        file.new = counts.new
        file.updated = counts.updated
        file.unchanged = counts.unchanged
        file.removed = counts.removed
        touched.formUnion(affected)
    }
}

/// Roster students by the numbers a log or an SIS report names them with: the local student ID
/// or the state's; with their last names and schools.
struct StudentNumbers {
    private var byID: [String: String] = [:]
    private var byStateID: [String: String] = [:]
    private(set) var lastNames: [String: String] = [:]
    private(set) var schools: [String: String] = [:]

    init(_ database: Database) throws {
        var numbers = StudentNumbers()
        try database.read { transaction in
            try transaction.forEach("SELECT student_id, state_student_id, last_name, school FROM students") { row in
                let id = row[0].string ?? ""
                numbers.byID[id.uppercased()] = id
                if let state = row[1].string, !state.isEmpty { numbers.byStateID[state.uppercased()] = id }
                numbers.lastNames[id] = row[2].string
                numbers.schools[id] = row[3].string ?? ""
            }
        }
        self = numbers
    }

    private init() {}

    /// The student a row's `student_id` or `state_student_id` cell names, or why none.
    func student(_ cell: (String) -> String) throws -> String {
        let localID = cell("student_id"), stateID = cell("state_student_id")
        guard !localID.isEmpty || !stateID.isEmpty else { throw CertGateError(.input, "no student number") }
        guard let student = byID[localID.uppercased()] ?? byStateID[stateID.uppercased()] else {
            throw CertGateError(.input, "student \(localID.isEmpty ? stateID : localID) is not in the roster")
        }
        return student
    }
}

/// A credential as a teacher or an SIS writes it: its code, its state code, its catalog name, or
/// (only as a suggestion, never a guess) the nearest catalog name.
struct CredentialResolver {
    let catalog: CredentialCatalog
    private var byKey: [String: Credential] = [:]

    init(catalog: CredentialCatalog) {
        self.catalog = catalog
        for credential in catalog.credentials {
            byKey[CSVTable<String>.normalize(credential.code)] = credential
            byKey[CSVTable<String>.normalize(credential.name)] = credential
            if let state = credential.stateCode { byKey[CSVTable<String>.normalize(state)] = byKey[CSVTable<String>.normalize(state)] ?? credential }
        }
    }

    func resolve(_ text: String) throws -> Credential {
        guard !text.isEmpty else { throw CertGateError(.input, "no certificate named") }
        if let credential = byKey[CSVTable<String>.normalize(text)] { return credential }
        let wanted = CSVTable<String>.normalize(text)
        let nearest = catalog.credentials.map { ($0, JaroWinkler.similarity(wanted, CSVTable<String>.normalize($0.name))) }.max { $0.1 < $1.1 }
        if let (credential, similarity) = nearest, similarity >= 0.85 {
            throw CertGateError(
                .input, "unknown certificate '\(text)': did you mean \(credential.code) (\(credential.name))? Write its code or its exact name")
        }
        throw CertGateError(.input, "unknown certificate '\(text)': not a code or a name in the credential catalog")
    }
}
