internal import CPostgres
import Foundation

/// One connection to PostgreSQL through libpq: statements prepared once per connection (SQL
/// with `?` parameters is translated then) with parameters sent apart from the SQL (never spliced into it), rows as `SQLRow`s by column
/// type. Settings come from the connection string and libpq's own environment (`PGHOST`,
/// `PGPASSWORD`, `PGSERVICE` and service files, `PGSSLMODE`): a password never needs to be on a
/// command line or in CertGate's configuration.
///
/// `@unchecked Sendable`: a connection serves one transaction at a time; `PostgresPool` hands
/// it to one thread at a time, and the lock guards the rest.
public final class PostgresConnection: @unchecked Sendable {
    private let connection: OpaquePointer
    private let lock = NSRecursiveLock()
    /// Prepared statements by their SQL: name, parameter count and how often it ran.
    private var prepared: [String: Prepared] = [:]
    private var statementsPrepared = 0

    private struct Prepared {
        var name: String
        var parameters: Int
        var executions = 0
    }

    /// After this many executions a statement is prepared again. An import grows a table from
    /// empty inside one transaction, before any statistics exist: a plan PostgreSQL chose and
    /// kept while the table was empty (a sequential scan) would serve every row after it,
    /// and the import would slow with the square of its size. Planned afresh as the table
    /// grows, the statement finds its index.
    private static let replanAt: Set<Int> = [64, 4_096, 262_144]
    /// Statements sent in pipeline mode whose results are not read yet (see `executeLater`).
    private var pipelined = 0
    /// The last audit event this transaction wrote (see `Transaction.auditHead`).
    var auditHead: AuditHead?

    /// Connects, e.g. `postgresql://certgate@db.district.example/certgate?sslmode=verify-full`
    /// or `host=/run/postgresql dbname=certgate`.
    public init(_ conninfo: String) throws {
        guard let connection = PQconnectdb(conninfo) else { throw DatabaseError(sqlState: nil, message: "libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw DatabaseError(sqlState: "08001", message: "cannot connect to PostgreSQL: \(message)")
        }
        self.connection = connection
        // Notices (a table that already exists, say) are not errors; keep them off stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(connection) }

    /// The server's version, e.g. 150018 for 15.18.
    public var serverVersion: Int { Int(lock.withLock { PQserverVersion(connection) }) }

    /// Whether the connection still works (a server restart or a network failure breaks it).
    var isHealthy: Bool { lock.withLock { PQstatus(connection) == CONNECTION_OK } }

    /// Runs a statement and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try forEach(sql, arguments) { rows.append($0) }
        return rows
    }

    /// Runs a statement that returns no rows; returns how many rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int {
        try lock.withLock {
            try drain()
            guard let result = try run(sql, arguments, singleRow: false) else { throw lastError(sql) }
            defer { PQclear(result) }
            _ = try check(result, sql: sql)
            return Int(String(cString: PQcmdTuples(result))) ?? 0
        }
    }

    /// Runs a query and calls `body` for each row as it arrives (libpq's single-row mode), so a
    /// scan of a state's results is never all in memory at once.
    public func forEach(_ sql: String, _ arguments: [any SQLBindable] = [], _ body: (SQLRow) throws -> Void) throws {
        try lock.withLock {
            try drain()
            _ = try run(sql, arguments, singleRow: true)
            var failure: (any Error)?
            var names: [String]?
            // Every result is read to the end, even after a failure, so the connection is ready again.
            while let result = PQgetResult(connection) {
                defer { PQclear(result) }
                guard failure == nil else { continue }
                do {
                    guard try check(result, sql: sql) == PGRES_SINGLE_TUPLE else { continue }
                    let columns = Int(PQnfields(result))
                    if names == nil { names = (0..<columns).map { String(cString: PQfname(result, Int32($0))) } }
                    try body(SQLRow(names: names!, values: (0..<columns).map { Self.value(result, row: 0, column: Int32($0)) }))
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
        }
    }

    /// Runs several statements with no parameters (a migration's script).
    public func executeScript(_ sql: String) throws {
        try lock.withLock {
            try drain()
            guard let result = PQexec(connection, sql) else { throw lastError(sql) }
            defer { PQclear(result) }
            _ = try check(result, sql: sql)
        }
    }

    /// Sends a statement without waiting for its answer (libpq's pipeline mode): a run of them
    /// costs one round trip instead of one each. Its outcome is read before the next statement
    /// that is not sent this way, before the transaction commits, or after 500 of them; the
    /// first failure is thrown then (the rest of the run is skipped by the server).
    public func executeLater(_ sql: String, _ arguments: [any SQLBindable] = []) throws {
        try lock.withLock {
            let statement = try prepare(sql)
            if PQpipelineStatus(connection) == PQ_PIPELINE_OFF {
                guard PQenterPipelineMode(connection) == 1 else { throw lastError(sql) }
            }
            try send(statement, sql, arguments, singleRow: false)
            pipelined += 1
            if pipelined >= 500 { try drain() }
        }
    }

    /// Reads the outcome of every statement sent by `executeLater` and leaves pipeline mode;
    /// throws the first failure.
    private func drain() throws {
        guard PQpipelineStatus(connection) != PQ_PIPELINE_OFF else { return }
        defer {
            pipelined = 0
            PQexitPipelineMode(connection)
        }
        guard PQpipelineSync(connection) == 1 else { throw lastError("pipeline sync") }
        var failure: (any Error)?
        var synced = false
        while !synced {
            guard let result = PQgetResult(connection) else {
                // The end of one statement's results, or a connection that broke.
                guard PQstatus(connection) == CONNECTION_OK else { throw lastError("pipeline") }
                continue
            }
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_PIPELINE_SYNC: synced = true
            case PGRES_PIPELINE_ABORTED: continue
            default:
                if failure == nil {
                    do { _ = try check(result, sql: "a statement sent ahead") } catch { failure = error }
                }
            }
        }
        if let failure { throw failure }
    }

    /// Transaction isolation levels.
    public enum Isolation: String, Sendable {
        case readCommitted = "READ COMMITTED", repeatableRead = "REPEATABLE READ", serializable = "SERIALIZABLE"
    }

    /// Runs `body` in one transaction at `isolation`: committed when it returns, rolled back when
    /// it throws.
    public func transaction<T>(isolation: Isolation = .readCommitted, _ body: () throws -> T) throws -> T {
        try lock.withLock {
            try executeScript("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
            auditHead = nil
            defer { auditHead = nil }
            do {
                let value = try body()
                try executeScript("COMMIT")
                return value
            } catch {
                try? drain()
                try? executeScript("ROLLBACK")
                throw error
            }
        }
    }

    /// Takes the session advisory lock named `name` if no other session holds it.
    func tryAdvisoryLock(_ name: String) throws -> Bool {
        // hashtext: the name's 32-bit hash, the key PostgreSQL's locks take.
        try query("SELECT pg_try_advisory_lock(hashtext($1)) AS taken", [name]).first?["taken"].int == 1
    }

    /// Waits for the session advisory lock named `name`.
    func advisoryLock(_ name: String) throws {
        try execute("SELECT pg_advisory_lock(hashtext($1))", [name])
    }

    func unlockAdvisoryLock(_ name: String) throws {
        try execute("SELECT pg_advisory_unlock(hashtext($1))", [name])
    }

    /// Sends a prepared statement (preparing it the first time); in single-row mode the caller
    /// reads the results, else the one result is returned.
    private func run(_ sql: String, _ arguments: [any SQLBindable], singleRow: Bool) throws -> OpaquePointer? {
        let statement = try prepare(sql)
        if singleRow {
            try send(statement, sql, arguments, singleRow: true)
            return nil
        }
        return try withParameters(statement, sql, arguments) { count, values, lengths, formats in
            guard let result = PQexecPrepared(connection, statement.name, count, values, lengths, formats, 0) else { throw lastError(sql) }
            return result
        }
    }

    /// Sends a prepared statement without reading its answer.
    private func send(_ statement: (name: String, parameters: Int), _ sql: String, _ arguments: [any SQLBindable], singleRow: Bool) throws {
        try withParameters(statement, sql, arguments) { count, values, lengths, formats in
            guard PQsendQueryPrepared(connection, statement.name, count, values, lengths, formats, 0) == 1 else { throw lastError(sql) }
        }
        if singleRow { PQsetSingleRowMode(connection) }
    }

    /// The arguments as libpq takes them: text (bytea as binary), their types as the server
    /// inferred them when the statement was prepared.
    private func withParameters<T>(
        _ statement: (name: String, parameters: Int), _ sql: String, _ arguments: [any SQLBindable],
        _ body: (Int32, [UnsafePointer<CChar>?], [Int32], [Int32]) throws -> T
    ) throws -> T {
        guard arguments.count == statement.parameters else {
            throw DatabaseError(sqlState: "08P01", message: "\(arguments.count) arguments for \(statement.parameters) parameters", sql: sql)
        }
        let values = arguments.map(\.sqlValue)
        var buffers: [[UInt8]?] = values.map { value in
            switch value {
            case .null: nil
            case .integer(let number): Array("\(number)".utf8) + [0]
            case .real(let number): Array("\(number)".utf8) + [0]
            case .text(let text): Array(text.utf8) + [0]
            case .blob(let bytes): bytes
            }
        }
        let lengths = values.enumerated().map { index, value -> Int32 in
            if case .blob = value { return Int32(buffers[index]?.count ?? 0) }
            return 0
        }
        let formats = values.map { value -> Int32 in if case .blob = value { 1 } else { 0 } }
        return try withPointers(&buffers) { try body(Int32(values.count), $0, lengths, formats) }
    }

    /// The statement prepared for `sql`, written with `?` parameters (translated by
    /// `SQLDialect`, once) or PostgreSQL's own `$n`; counted as one more execution.
    private func prepare(_ sql: String) throws -> (name: String, parameters: Int) {
        if var statement = prepared[sql] {
            statement.executions += 1
            prepared[sql] = statement
            guard Self.replanAt.contains(statement.executions) else { return (statement.name, statement.parameters) }
            try executeScript("DEALLOCATE \(statement.name)")
        }
        // Preparing waits for its answer, which pipeline mode does not allow.
        try drain()
        statementsPrepared += 1
        let name = "s\(statementsPrepared)"
        guard let result = PQprepare(connection, name, SQLDialect.postgresql.translate(sql), 0, nil) else { throw lastError(sql) }
        defer { PQclear(result) }
        _ = try check(result, sql: sql)
        guard let description = PQdescribePrepared(connection, name) else { throw lastError(sql) }
        defer { PQclear(description) }
        _ = try check(description, sql: sql)
        let statement = Prepared(name: name, parameters: Int(PQnparams(description)), executions: prepared[sql]?.executions ?? 1)
        prepared[sql] = statement
        return (statement.name, statement.parameters)
    }

    /// The result's status, or its error thrown with the SQLSTATE and message (never values).
    private func check(_ result: OpaquePointer, sql: String) throws -> ExecStatusType {
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_SINGLE_TUPLE else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
                ?? String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            throw DatabaseError(sqlState: state, message: message, sql: sql)
        }
        return status
    }

    private func lastError(_ sql: String) -> DatabaseError {
        let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
        return DatabaseError(sqlState: PQstatus(connection) == CONNECTION_OK ? nil : "08006", message: message, sql: sql)
    }

    /// A column's text as a value by its type: integers, whole numerics (`SUM` of a bigint),
    /// floating point, booleans (as 1 and 0, as SQLite has them), bytea, the rest as text.
    static func value(_ result: OpaquePointer, row: Int32, column: Int32) -> SQLValue {
        guard PQgetisnull(result, row, column) == 0, let pointer = PQgetvalue(result, row, column) else { return .null }
        let text = String(cString: pointer)
        switch PQftype(result, column) {
        case 20, 21, 23: return Int64(text).map(SQLValue.integer) ?? .text(text)
        case 1700: return Int64(text).map(SQLValue.integer) ?? Double(text).map(SQLValue.real) ?? .text(text)
        case 700, 701: return Double(text).map(SQLValue.real) ?? .text(text)
        case 16: return .integer(text == "t" ? 1 : 0)
        case 17:
            guard text.hasPrefix("\\x") else { return .text(text) }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count / 2)
            var digits = text.utf8.dropFirst(2).makeIterator()
            while let high = digits.next(), let low = digits.next() {
                guard let high = hexValue(high), let low = hexValue(low) else { return .text(text) }
                bytes.append(high << 4 | low)
            }
            return .blob(bytes)
        default: return .text(text)
        }
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// The buffers' base addresses (nil for a NULL parameter) for libpq, valid during `body`.
private func withPointers<T>(_ buffers: inout [[UInt8]?], _ body: ([UnsafePointer<CChar>?]) throws -> T) rethrows -> T {
    var pointers: [UnsafePointer<CChar>?] = []
    var retained: [UnsafeMutablePointer<UInt8>] = []
    defer { retained.forEach { $0.deallocate() } }
    for buffer in buffers {
        guard let buffer else {
            pointers.append(nil)
            continue
        }
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(buffer.count, 1))
        copy.initialize(from: buffer, count: buffer.count)
        retained.append(copy)
        pointers.append(UnsafeRawPointer(copy).assumingMemoryBound(to: CChar.self))
    }
    return try body(pointers)
}
