import Foundation

/// What `certgate db copy` moved: rows per table, and the audit chain's head on arrival.
public struct DatabaseCopySummary: Sendable, Codable {
    public struct Table: Sendable, Codable {
        public var name: String
        public var rows: Int
    }

    public var tables: [Table]
    public var auditHead: String
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case tables, seconds
        case auditHead = "audit_head"
    }
}

/// Copies every row of one CertGate database into another, empty one, on either engine: a
/// district that outgrows its SQLite file moves to PostgreSQL (and back, for a copy to take
/// home). One transaction on the target, so a failure leaves it empty; afterwards each table's
/// count is compared with the source's and the audit chain is verified on arrival, ending at
/// the source's head.
public enum DatabaseCopy {
    /// Every table, parents before the rows that refer to them.
    public static let tables = [
        "students", "enrollments", "providers", "exam_results", "rejected_records", "match_runs", "matches", "candidate_links",
        "evidence", "attainments", "attainment_evidence", "tasks", "audit_events", "pull_cursors", "pull_runs",
        "roster_enrolled_years", "roster_concentrator_schools", "users", "user_schools", "claims",
    ]

    /// Rows per INSERT statement (far below either engine's limit on parameters).
    static let rowsPerStatement = 200

    public static func copy(
        from source: Database, to target: Database, progress: (String, Int) -> Void = { _, _ in }
    ) throws -> DatabaseCopySummary {
        let started = Date()
        guard try source.schemaVersion() == target.schemaVersion() else {
            throw DatabaseError(code: 1, message: "the two databases have different schema versions; open both with the same certgate first")
        }
        let occupied = try target.read { transaction in
            try tables.first { try transaction.scalar("SELECT COUNT(*) FROM \($0)").int != 0 }
        }
        if let occupied {
            throw DatabaseError(
                code: 1, message: "\(target.displayLocation) already holds data (table \(occupied)); copy into a new, empty database")
        }
        var copied: [DatabaseCopySummary.Table] = []
        try source.read { reading in
            try target.write { writing in
                for table in tables {
                    let rows = try copyTable(table, from: reading, to: writing)
                    copied.append(.init(name: table, rows: rows))
                    progress(table, rows)
                }
                if writing.dialect == .postgresql {
                    // Identity columns continue after the copied ids.
                    let identities = try writing.query(
                        """
                        SELECT table_name FROM information_schema.columns
                        WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'
                        """
                    ).compactMap { $0[0].string }
                    for table in identities where tables.contains(table) {
                        try writing.execute(
                            "SELECT setval(pg_get_serial_sequence(?, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(table)", [table])
                    }
                }
            }
        }
        let arrived = try target.read { transaction in
            try tables.map { DatabaseCopySummary.Table(name: $0, rows: try transaction.scalar("SELECT COUNT(*) FROM \($0)").int ?? 0) }
        }
        for (sent, received) in zip(copied, arrived) where sent.rows != received.rows {
            throw DatabaseError(code: 1, message: "table \(sent.name): \(sent.rows) rows sent but \(received.rows) arrived")
        }
        let head = try AuditLog.head(source)
        let verification = try AuditLog.verify(target, head: head.seq > 0 ? head : nil)
        guard verification.intact else {
            throw DatabaseError(code: 1, message: "the audit chain did not arrive intact: \(verification.problem ?? "unknown problem")")
        }
        return DatabaseCopySummary(tables: copied, auditHead: head.description, seconds: Date().timeIntervalSince(started))
    }

    /// Streams one table's rows into multi-row inserts; returns how many were copied.
    private static func copyTable(_ table: String, from source: Transaction, to target: Transaction) throws -> Int {
        var columns: [String]?
        var pending: [SQLValue] = []
        var count = 0
        func flush() throws {
            guard let columns, !pending.isEmpty else { return }
            let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            let rows = pending.count / columns.count
            try target.execute(
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES " + Array(repeating: row, count: rows).joined(separator: ", "),
                pending)
            pending.removeAll(keepingCapacity: true)
        }
        try source.forEach("SELECT * FROM \(table)") { row in
            if columns == nil { columns = row.names }
            pending.append(contentsOf: row.values)
            count += 1
            if count % rowsPerStatement == 0 { try flush() }
        }
        try flush()
        return count
    }
}
