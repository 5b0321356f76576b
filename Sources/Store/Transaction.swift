/// Statements inside one transaction, on either engine. Use it only inside the closure that
/// received it. SQL is written once with SQLite's `?` parameters (see `SQLDialect`).
public struct Transaction {
    enum Connection {
        case sqlite(SQLiteConnection)
        case postgresql(PostgresConnection)
    }

    let connection: Connection

    init(_ connection: Connection) { self.connection = connection }

    /// The engine's SQL.
    public var dialect: SQLDialect {
        if case .postgresql = connection { return .postgresql }
        return .sqlite
    }

    /// Runs several statements that return no rows and take no arguments (a fixed script).
    public func executeScript(_ sql: String) throws {
        switch connection {
        case .sqlite(let connection): try connection.executeScript(sql)
        case .postgresql(let connection): try connection.executeScript(sql)
        }
    }

    /// Runs a statement that returns no rows; returns how many rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int {
        switch connection {
        case .sqlite(let connection):
            let statement = try connection.cachedStatement(sql)
            try statement.bind(arguments)
            defer { statement.reset() }
            while try statement.step() {}
            return connection.changes
        case .postgresql(let connection):
            return try connection.execute(sql, arguments)
        }
    }

    /// Runs a statement whose outcome the caller does not need at once: on PostgreSQL it is sent
    /// without waiting (pipelined), and a failure is thrown by a later statement or the commit,
    /// so the transaction still commits whole or not at all. On SQLite it simply runs.
    public func executeLater(_ sql: String, _ arguments: [any SQLBindable] = []) throws {
        switch connection {
        case .sqlite: try execute(sql, arguments)
        case .postgresql(let connection): try connection.executeLater(sql, arguments)
        }
    }

    /// Runs a query and returns all its rows.
    public func query(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try forEach(sql, arguments) { rows.append($0) }
        return rows
    }

    /// Runs a query and calls `body` for each row without collecting them.
    public func forEach(_ sql: String, _ arguments: [any SQLBindable] = [], _ body: (SQLRow) throws -> Void) throws {
        switch connection {
        case .sqlite(let connection):
            let statement = try connection.cachedStatement(sql)
            try statement.bind(arguments)
            defer { statement.reset() }
            while try statement.step() { try body(statement.row()) }
        case .postgresql(let connection):
            try connection.forEach(sql, arguments, body)
        }
    }

    /// The first column of the first row, or `.null`.
    public func scalar(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> SQLValue {
        try query(sql, arguments).first?.values.first ?? .null
    }

    /// Inserts a row and returns the `id` the database gave it: SQLite's last row ID, PostgreSQL's
    /// `RETURNING id` (one round trip either way).
    public func insertReturningID(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int {
        switch connection {
        case .sqlite(let sqlite):
            try execute(sql, arguments)
            return Int(sqlite.lastInsertRowID)
        case .postgresql:
            guard let id = try scalar(sql + " RETURNING id", arguments).int else {
                throw DatabaseError(code: 1, message: "the insert returned no id", sql: sql)
            }
            return id
        }
    }

    /// Inserts `rows` (each a value per column) into `table`, many rows to a statement: a
    /// state-sized import writes hundreds of thousands, and one statement per row costs PostgreSQL
    /// a round trip and a statement's overhead each. `suffix` follows the values (an
    /// `ON CONFLICT` clause); no row may conflict with another of the same call. Pipelined on
    /// PostgreSQL like `executeLater`.
    public func insertRows(into table: String, columns: [String], _ rows: [[any SQLBindable]], suffix: String = "") throws {
        try forEachChunk(of: rows, columns: columns.count) { chunk in
            try executeLater(Self.insertSQL(table, columns, rows: chunk.count, suffix: suffix), chunk.flatMap { $0 })
        }
    }

    /// `insertRows`, returning each inserted row's `returning` columns (the database's `id`, and
    /// columns to tell the rows apart: rows come back in no promised order).
    public func insertRows(
        into table: String, columns: [String], _ rows: [[any SQLBindable]], returning: [String]
    ) throws -> [SQLRow] {
        var inserted: [SQLRow] = []
        inserted.reserveCapacity(rows.count)
        try forEachChunk(of: rows, columns: columns.count) { chunk in
            let sql = Self.insertSQL(table, columns, rows: chunk.count, suffix: "RETURNING " + returning.joined(separator: ", "))
            try forEach(sql, chunk.flatMap { $0 }) { inserted.append($0) }
        }
        return inserted
    }

    /// Rows per statement: 100, fewer for wide rows (SQLite takes at most 32,766 parameters,
    /// PostgreSQL 65,535).
    private func forEachChunk(of rows: [[any SQLBindable]], columns: Int, _ body: (ArraySlice<[any SQLBindable]>) throws -> Void) throws {
        let size = max(1, min(100, 32_766 / max(1, columns)))
        var start = rows.startIndex
        while start < rows.endIndex {
            let end = min(start + size, rows.endIndex)
            try body(rows[start..<end])
            start = end
        }
    }

    private static func insertSQL(_ table: String, _ columns: [String], rows: Int, suffix: String) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ") + (suffix.isEmpty ? "" : " " + suffix)
    }

    /// The last audit event written in this transaction, so appending does not read it back
    /// each time; nil until this transaction has appended one.
    var auditHead: AuditHead? {
        get {
            switch connection {
            case .sqlite(let connection): connection.auditHead
            case .postgresql(let connection): connection.auditHead
            }
        }
        nonmutating set {
            switch connection {
            case .sqlite(let connection): connection.auditHead = newValue
            case .postgresql(let connection): connection.auditHead = newValue
            }
        }
    }

    /// Waits until no other transaction holds `name`, then holds it until this one ends: work
    /// two processes must not do at once (the checks, the audit chain's next event). SQLite's
    /// write transactions already run one at a time; PostgreSQL takes a transaction advisory
    /// lock, and at READ COMMITTED every statement after it sees what the other committed.
    public func serialize(_ name: String) throws {
        guard case .postgresql(let connection) = connection else { return }
        try connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", [name])
    }

    /// Makes this transaction the audit chain's only writer until it ends, so two processes
    /// never append after the same head.
    func lockAuditChain() throws {
        try serialize("certgate audit chain")
    }
}
