internal import CPostgres
import Foundation

/// A PostgreSQL failure: the SQLSTATE, the server's message and the SQL that failed (never the
/// bound values, which may be student data).
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The five-character SQLSTATE (`23505` unique violation, `40001` serialization failure), if any.
    public var state: String?
    public var message: String
    public var sql: String?

    /// A retry may succeed: a serialization failure or a deadlock.
    public var isRetryable: Bool { state == "40001" || state == "40P01" }

    public var description: String {
        var text = "PostgreSQL error\(state.map { " \($0)" } ?? ""): \(message)"
        if let sql { text += " [\(sql.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(200))]" }
        return text
    }
}

/// One connection to PostgreSQL through libpq: statements with `$1`-style parameters sent
/// apart from the SQL (never spliced into it), rows as `SQLRow`s, transactions that commit whole
/// or roll back. Connection settings come from the connection string and libpq's own
/// environment (`PGHOST`, `PGPASSWORD`, service files): a password never needs to be on a
/// command line. Used under a lock, so one connection may be shared between threads.
public final class PostgresConnection: @unchecked Sendable {
    // @unchecked: `connection` is only touched under `lock`.
    private let connection: OpaquePointer
    private let lock = NSRecursiveLock()

    /// Connects, e.g. `postgresql://certgate@db.district.example/certgate?sslmode=verify-full`
    /// or `host=/tmp/socket port=5433 dbname=certgate`.
    public init(_ conninfo: String) throws {
        guard let connection = PQconnectdb(conninfo) else { throw PostgresError(message: "libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw PostgresError(message: "cannot connect: \(message)")
        }
        self.connection = connection
    }

    deinit { PQfinish(connection) }

    /// The server's version, e.g. 150018 for 15.18.
    public var serverVersion: Int { Int(lock.withLock { PQserverVersion(connection) }) }

    /// Runs a statement and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [SQLRow] {
        try lock.withLock {
            // Parameters as text (bytea as binary), their types left for the server to infer.
            let values = arguments.map(\.sqlValue)
            var buffers: [[UInt8]?] = values.map { value in
                switch value {
                case .null: return nil
                case .integer(let number): return Array("\(number)".utf8) + [0]
                case .real(let number): return Array("\(number)".utf8) + [0]
                case .text(let text): return Array(text.utf8) + [0]
                case .blob(let bytes): return bytes
                }
            }
            let lengths = values.enumerated().map { index, value -> Int32 in
                if case .blob = value { return Int32(buffers[index]?.count ?? 0) }
                return 0
            }
            let formats = values.map { value -> Int32 in if case .blob = value { return 1 } else { return 0 } }
            let result: OpaquePointer? = withPointers(&buffers) { pointers in
                PQexecParams(connection, sql, Int32(values.count), nil, pointers, lengths, formats, 0)
            }
            guard let result else { throw PostgresError(message: String(cString: PQerrorMessage(connection)), sql: sql) }
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
                let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
                let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
                throw PostgresError(state: state, message: message, sql: sql)
            }
            let columns = Int(PQnfields(result)), rows = Int(PQntuples(result))
            let names = (0..<columns).map { String(cString: PQfname(result, Int32($0))) }
            let types = (0..<columns).map { PQftype(result, Int32($0)) }
            return (0..<rows).map { row in
                SQLRow(names: names, values: (0..<columns).map { column in
                    guard PQgetisnull(result, Int32(row), Int32(column)) == 0, let text = PQgetvalue(result, Int32(row), Int32(column)) else {
                        return .null
                    }
                    return Self.value(String(cString: text), type: types[column])
                })
            }
        }
    }

    public enum Isolation: String, Sendable {
        case readCommitted = "READ COMMITTED", repeatableRead = "REPEATABLE READ", serializable = "SERIALIZABLE"
    }

    /// Runs `body` in one transaction at `isolation`: committed when it returns, rolled back when
    /// it throws.
    public func transaction<T>(isolation: Isolation = .readCommitted, _ body: () throws -> T) throws -> T {
        try lock.withLock {
            try query("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
            do {
                let value = try body()
                try query("COMMIT")
                return value
            } catch {
                _ = try? query("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` holding the session advisory lock named `name` (one per provider's pull, say,
    /// across every process and machine on the database), or returns nil at once when another
    /// session holds it. The lock goes with the session if the process dies.
    public func withAdvisoryLock<T>(_ name: String, _ body: () throws -> T) throws -> T? {
        try lock.withLock {
            // hashtext: the name's 32-bit hash, the key PostgreSQL's locks take.
            guard try query("SELECT pg_try_advisory_lock(hashtext($1)) AS taken", [name]).first?["taken"].int == 1 else { return nil }
            defer { _ = try? query("SELECT pg_advisory_unlock(hashtext($1))", [name]) }
            return try body()
        }
    }

    /// A column's text as a value by its type: integers, floating point and numeric, booleans
    /// (as 1 and 0, as SQLite has them), bytea (hex), the rest as text.
    static func value(_ text: String, type: UInt32) -> SQLValue {
        switch type {
        case 20, 21, 23: return Int64(text).map(SQLValue.integer) ?? .text(text)
        case 700, 701, 1700: return Double(text).map(SQLValue.real) ?? .text(text)
        case 16: return .integer(text == "t" ? 1 : 0)
        case 17:
            guard text.hasPrefix("\\x") else { return .text(text) }
            var bytes: [UInt8] = []
            var digits = text.utf8.dropFirst(2).makeIterator()
            while let high = digits.next(), let low = digits.next() {
                guard let byte = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return .text(text) }
                bytes.append(byte)
            }
            return .blob(bytes)
        default: return .text(text)
        }
    }
}

/// The buffers' base addresses (nil for a NULL parameter) for libpq, valid during `body`.
private func withPointers<T>(_ buffers: inout [[UInt8]?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
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
    return body(pointers)
}
