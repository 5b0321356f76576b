/// A database failure: the engine's code, its message and the SQL that failed. Bound values are
/// never included (they may be student data).
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// SQLite's extended result code; for PostgreSQL, the SQLite code of the same kind (19 for a
    /// constraint, 5 for a lock or serialization failure, else 1).
    public var code: Int32
    /// PostgreSQL's five-character SQLSTATE (`23505` unique violation, `40001` serialization
    /// failure); nil on SQLite.
    public var sqlState: String?
    public var message: String
    public var sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// A PostgreSQL error from its SQLSTATE.
    public init(sqlState: String?, message: String, sql: String? = nil) {
        let kind = sqlState.map { String($0.prefix(2)) }
        let code: Int32 =
            switch (kind, sqlState) {
            case ("23", _): 19
            case (_, "40001"), (_, "40P01"), (_, "55P03"): 5
            default: 1
            }
        self.init(code: code, message: message, sql: sql)
        self.sqlState = sqlState
    }

    /// The primary result code (the low byte of the extended one).
    public var primaryCode: Int32 { code & 0xFF }

    /// A UNIQUE, FOREIGN KEY, CHECK or NOT NULL constraint failed.
    public var isConstraintViolation: Bool { primaryCode == 19 }

    /// The database was locked by another process for longer than the busy timeout.
    public var isBusy: Bool { primaryCode == 5 || primaryCode == 6 }

    /// Running the transaction again may succeed: PostgreSQL found a serialization failure or a
    /// deadlock and rolled back this side.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }

    public var description: String {
        var text = sqlState.map { "PostgreSQL error \($0): \(message)" } ?? "SQLite error \(code): \(message)"
        if let sql { text += " [\(sql.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(200))]" }
        return text
    }
}
