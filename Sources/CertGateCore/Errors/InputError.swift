/// Where in an input file a problem was found: the file, the line and the field.
public struct InputLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's name as the user gave it (never a secret, never student data).
    public var file: String
    /// The 1-based line number, when the problem belongs to one line.
    public var line: Int?
    /// The column or field name, when the problem belongs to one field.
    public var field: String?

    public init(file: String, line: Int? = nil, field: String? = nil) {
        self.file = file
        self.line = line
        self.field = field
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let field { text += ": field '\(field)'" }
        return text
    }
}

/// Bad input: a file, row or value that cannot be used, with where it is and what is wrong.
///
/// Messages never repeat personal values (names, dates of birth, emails): they name the field
/// and say what was expected, so errors can be logged and shared safely.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public var location: InputLocation
    public var message: String
    /// Whether reading can go on after this error (a bad value or a ragged row), or the input
    /// cannot be trusted past it (an unclosed quote, bytes that are not UTF-8).
    public var isRecoverable: Bool
    /// Whether the input stops mid-record: it was cut off (a timed-out report generator, a
    /// partial download), so what came before the cut must not be taken as the whole.
    public var isCutOff: Bool

    public init(_ location: InputLocation, _ message: String, isRecoverable: Bool = true, isCutOff: Bool = false) {
        self.location = location
        self.message = message
        self.isRecoverable = isRecoverable && !isCutOff
        self.isCutOff = isCutOff
    }

    public var description: String { "\(location): \(message)" }
}

/// Several input errors found in one file; the file was rejected as a whole.
public struct InputErrors: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var errors: [InputError]
    /// How many errors there were in all (only the first few are kept).
    public var total: Int

    public init(file: String, errors: [InputError], total: Int) {
        self.file = file
        self.errors = errors
        self.total = total
    }

    public var description: String {
        var lines = ["\(file): \(total) error\(total == 1 ? "" : "s"); nothing from this file was imported"]
        lines += errors.map { "  \($0)" }
        if total > errors.count { lines.append("  … and \(total - errors.count) more") }
        return lines.joined(separator: "\n")
    }
}
