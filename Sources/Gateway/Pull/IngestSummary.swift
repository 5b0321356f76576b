/// What one provider's pull (or one file import) did.
public struct IngestSummary: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        case succeeded, failed
    }

    public var provider: String
    public var status: Status
    /// Documents (pages, score lists, files) read.
    public var documents = 0
    /// Records parsed, results and rejected rows together.
    public var fetched = 0
    public var new = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    public var seconds = 0.0
    /// The window asked for, `YYYY-MM-DD`.
    public var from: String?
    public var to: String?
    /// The cursor stored for the next pull.
    public var cursor: String?
    public var error: String?

    public init(provider: String, status: Status) {
        self.provider = provider
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case provider, status, documents, fetched, new, updated, unchanged, rejected, seconds, from, to, cursor, error
    }
}

/// Progress of a long operation, for a person watching.
public struct ProgressEvent: Sendable {
    public var provider: String
    public var message: String

    public init(provider: String, message: String) {
        self.provider = provider
        self.message = message
    }
}
