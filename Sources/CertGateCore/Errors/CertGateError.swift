/// A failure of an operation, with what was being done and the underlying cause.
public struct CertGateError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is, for callers that must react differently.
    public enum Code: String, Sendable {
        case configuration
        case io
        case database
        case network
        case input
        case conflict
    }

    public var code: Code
    public var message: String
    /// What was being done, e.g. "open database".
    public var operation: String?
    public var underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, operation: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.operation = operation
        self.underlying = underlying
    }

    public var description: String {
        var text = operation.map { "\($0): \(message)" } ?? message
        if let underlying { text += " (\(underlying))" }
        return text
    }
}
