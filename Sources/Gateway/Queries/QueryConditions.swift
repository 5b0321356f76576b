import Store

/// The WHERE clause of a list query, built from only the filters given, so SQLite can use the
/// index of each one (`(? IS NULL OR column = ?)` would make it read every row instead).
struct QueryConditions {
    private var clauses: [String] = []
    private(set) var arguments: [any SQLBindable] = []

    /// Adds `clause` (with `?` placeholders for `values`).
    mutating func add(_ clause: String, _ values: any SQLBindable...) {
        clauses.append(clause)
        arguments += values
    }

    /// Adds `clause` when `value` is given.
    mutating func add<Value: SQLBindable>(_ clause: String, ifGiven value: Value?) {
        if let value { add(clause, value) }
    }

    /// `WHERE a AND b`, or nothing.
    var sql: String { clauses.isEmpty ? "" : "WHERE " + clauses.map { "(\($0))" }.joined(separator: " AND ") }
}
