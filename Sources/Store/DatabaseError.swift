/// A SQLite failure: the extended result code, SQLite's message and the SQL that failed.
/// Bound values are never included (they may be student data).
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// SQLite's extended result code.
    public var code: Int32
    public var message: String
    public var sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low byte of the extended one).
    public var primaryCode: Int32 { code & 0xFF }

    /// A UNIQUE, FOREIGN KEY, CHECK or NOT NULL constraint failed.
    public var isConstraintViolation: Bool { primaryCode == 19 }

    /// The database was locked by another process for longer than the busy timeout.
    public var isBusy: Bool { primaryCode == 5 || primaryCode == 6 }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " [\(sql.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(200))]" }
        return text
    }
}
