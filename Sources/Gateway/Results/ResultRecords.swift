import AdapterKit
import CertGateCore
import Foundation
import Store

/// Stores canonical results: one row per provider and record key, so a re-pull never duplicates.
enum ResultRecords {
    enum Outcome { case new, updated, unchanged }

    /// The stored values of a result, in column order. The source reference is kept apart: a
    /// re-fetch of the same data from another page is not a change.
    static func values(_ result: CanonicalResult) -> [(String, SQLValue)] {
        let candidate = result.candidate
        return [
            ("candidate_id", candidate.candidateID.sqlValue), ("first_name", candidate.firstName.sqlValue),
            ("last_name", candidate.lastName.sqlValue), ("date_of_birth", candidate.dateOfBirth?.description.sqlValue ?? .null),
            ("email", candidate.email.sqlValue), ("provider_student_id", candidate.studentID.sqlValue),
            ("exam_code", .text(result.examCode)), ("exam_title", result.examTitle.sqlValue),
            ("attempted_at", .text(ExamTime.format(result.attemptedAt, in: TimeZone(identifier: result.timeZone) ?? .gmt))),
            ("time_zone", .text(result.timeZone)), ("score", result.score.sqlValue),
            ("passing_score", result.passingScore.sqlValue), ("outcome", .text(result.outcome.rawValue)),
            ("certificate_number", result.certificateNumber.sqlValue), ("proctor", result.proctor.sqlValue),
            ("testing_site", result.testingSite.sqlValue), ("expires_on", result.expiresOn?.description.sqlValue ?? .null),
        ]
    }

    static func contentHash(_ values: [(String, SQLValue)]) -> String {
        var hasher = SHA256()
        for (name, value) in values {
            hasher.update("\(name)=")
            switch value {
            case .null: hasher.update("\u{0}")
            case .integer(let number): hasher.update("i\(number)")
            case .real(let number): hasher.update("r\(number)")
            case .text(let text): hasher.update("t\(text.utf8.count):\(text)")
            case .blob(let bytes): hasher.update(bytes)
            }
            hasher.update("\u{1F}")
        }
        return hasher.finalizeHex()
    }

    /// A result with its column values and content hash worked out, which needs no database (so
    /// it can be done while another thread stores).
    struct Prepared: Sendable {
        var result: CanonicalResult
        var values: [(String, SQLValue)]
        var hash: String

        init(_ result: CanonicalResult) {
            self.result = result
            values = ResultRecords.values(result)
            hash = contentHash(values)
        }
    }

    /// Stores a batch of a feed's results: inserts the new ones, updates the changed ones (auditing
    /// what changed), leaves the rest; the outcome of each, in order. One query finds what is
    /// stored for the whole batch and new rows go in many to a statement, so a database across
    /// a network (PostgreSQL) is asked a few times per batch rather than twice per row.
    static func upsert(_ batch: [Prepared], _ transaction: Transaction, actor: String, now: String) throws -> [Outcome] {
        guard let provider = batch.first?.result.providerID else { return [] }
        var stored: [String: (id: Int, hash: String)] = [:]
        let keys = try JSONEncoder.sortedString(batch.map(\.result.recordKey))
        try transaction.forEach(
            "SELECT record_key, id, content_hash FROM exam_results WHERE provider_id = ? AND record_key IN (SELECT value FROM json_each(?))",
            [provider, keys]
        ) { row in
            if let key = row[0].string, let id = row[1].int { stored[key] = (id, row[2].string ?? "") }
        }
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(batch.count)
        var inserts: [Prepared] = []
        var pending: Set<String> = []
        for prepared in batch {
            let key = prepared.result.recordKey
            if prepared.result.providerID == provider, pending.contains(key) {
                // The feed carries this result twice: the first must be stored before the second is compared with it.
                try insert(inserts, transaction, now: now)
                inserts.removeAll()
                pending.removeAll()
                outcomes.append(try upsert(prepared, transaction, actor: actor, now: now))
            } else if prepared.result.providerID != provider || stored[key] != nil {
                outcomes.append(try upsert(prepared, transaction, actor: actor, now: now))
            } else {
                inserts.append(prepared)
                pending.insert(key)
                outcomes.append(.new)
            }
        }
        try insert(inserts, transaction, now: now)
        return outcomes
    }

    /// Inserts new results, many to a statement.
    private static func insert(_ rows: [Prepared], _ transaction: Transaction, now: String) throws {
        guard let first = rows.first else { return }
        try transaction.insertRows(
            into: "exam_results",
            columns: first.values.map(\.0) + [
                "provider_id", "record_key", "content_hash", "source_feed", "source_page", "source_record", "fetched_at", "first_seen_at",
                "updated_at",
            ],
            rows.map { insertArguments($0, now: now) })
    }

    private static func insertArguments(_ prepared: Prepared, now: String) -> [any SQLBindable] {
        let result = prepared.result
        return prepared.values.map(\.1) + [result.providerID, result.recordKey, prepared.hash] + sourceArguments(result) + [now, now]
    }

    private static func sourceArguments(_ result: CanonicalResult) -> [any SQLBindable] {
        [result.source.feed, result.source.page, result.source.record, Timestamp.string(result.source.fetchedAt)]
    }

    /// Inserts a new result, updates a changed one (auditing what changed), or leaves it.
    static func upsert(_ prepared: Prepared, _ transaction: Transaction, actor: String, now: String) throws -> Outcome {
        let (result, values, hash) = (prepared.result, prepared.values, prepared.hash)
        let source = sourceArguments(result)
        // Most rows of a re-pull are unchanged: compare the hash before reading the whole row.
        let stored = try transaction.query(
            "SELECT id, content_hash FROM exam_results WHERE provider_id = ? AND record_key = ?", [result.providerID, result.recordKey]
        ).first
        guard let stored else {
            try insert([prepared], transaction, now: now)
            return .new
        }
        guard stored[1].string != hash else { return .unchanged }
        let existing = try transaction.query("SELECT * FROM exam_results WHERE id = ?", [stored[0]])[0]
        let changed = values.filter { existing[$0.0] != $0.1 }
        let assignments = values.map { "\($0.0) = ?" }.joined(separator: ", ")
        try transaction.execute(
            """
            UPDATE exam_results SET \(assignments), content_hash = ?, source_feed = ?, source_page = ?, source_record = ?,
                   fetched_at = ?, updated_at = ?
            WHERE id = ?
            """, values.map(\.1) + [hash] + source + [now, existing["id"]])
        try AuditLog.append(
            transaction, actor: actor, action: "result.update", subjectType: "exam_result",
            subjectID: "\(existing["id"].int ?? 0)",
            before: json(changed.map { ($0.0, existing[$0.0]) }), after: json(changed))
        return .updated
    }

    /// Stores a rejected row once; a re-pull of the same bad row is not stored again.
    static func reject(_ record: RejectedRecord, provider: String, _ transaction: Transaction, now: String) throws {
        try transaction.execute(
            """
            INSERT INTO rejected_records (provider_id, source_feed, source_page, source_record, reason, raw_hash, first_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider_id, raw_hash) DO NOTHING
            """,
            [provider, record.source.feed, record.source.page, record.source.record, record.reason, record.rawHash, now])
    }

    /// Column values as a sorted JSON object, for audit events.
    static func json(_ values: [(String, SQLValue)]) -> String {
        JSONText.object(
            values.map { name, value in
                switch value {
                case .null: (name, .null)
                case .integer(let number): (name, .integer(number))
                case .real(let number): (name, .number(number))
                case .text(let text): (name, .string(text))
                case .blob(let bytes): (name, .integer(Int64(bytes.count)))
                }
            })
    }
}
