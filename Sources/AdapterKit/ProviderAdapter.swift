public import CertGateCore
public import Fetch
public import Foundation

/// A report style: how one kind of provider feed is fetched and read.
///
/// Adapters are pure: given a provider's configuration and an HTTP transport they produce feed
/// documents and canonical results; they never touch the store. The gateway fetches every
/// document first (network, no database lock), then parses and stores them in one transaction,
/// so a failed pull changes nothing.
public protocol ProviderAdapter: Sendable {
    /// The style name `config/gateway.json` uses for this adapter, e.g. `certiport`.
    static var style: String { get }

    /// Checks the provider's configuration (time zone, column names) before any work.
    init(provider: ProviderSettings) throws

    /// Fetches everything new since `window.start`.
    /// - Returns: the documents to parse and the day to store as the cursor once they are
    ///   committed (the next pull starts there, less the provider's overlap).
    func fetch(_ window: PullWindow, context: FetchContext) throws -> FetchedFeed

    /// Splits a file a staff member exported by hand into documents (the same parsing as a fetch).
    /// A large CSV report is not read here: its document streams from the file when parsed.
    func documents(fromFile path: String, name: String, readAt: Date) throws -> [FeedDocument]

    /// Parses one document, handing each result or rejected row to `emit`. Throws when the
    /// document as a whole cannot be read (an HTML page, invalid JSON, a truncated file).
    func parse(_ document: FeedDocument, emit: (ParsedRecord) throws -> Void) throws

    /// Replaces the personal data in a recorded response body (names, emails, dates of birth,
    /// candidate IDs, tokens) with consistent pseudonyms, for shareable test feeds.
    func pseudonymize(_ body: [UInt8], path: String, using pseudonyms: Pseudonymizer) throws -> [UInt8]
}

/// What a fetch needs from the gateway.
public struct FetchContext: Sendable {
    public var transport: any HTTPTransport
    /// Credentials come from here (the process environment), never from configuration files.
    public var environment: [String: String]
    /// Called with progress a person watching may want to see.
    public var progress: @Sendable (FetchProgress) -> Void
    public var now: Date

    public init(
        transport: any HTTPTransport, environment: [String: String], progress: @escaping @Sendable (FetchProgress) -> Void,
        now: Date = Date()
    ) {
        self.transport = transport
        self.environment = environment
        self.progress = progress
        self.now = now
    }
}

/// Progress of a fetch.
public struct FetchProgress: Sendable {
    public var provider: String
    /// Pages (or sessions) fetched so far, and how many there are when known.
    public var done: Int
    public var total: Int?
    public var what: String

    public init(provider: String, done: Int, total: Int?, what: String) {
        self.provider = provider
        self.done = done
        self.total = total
        self.what = what
    }
}

/// Where a pull starts and ends: days in the provider's time zone.
public struct PullWindow: Sendable, Equatable {
    /// Results reported (or updated) from this day on.
    public var start: CalendarDate
    /// The last day to ask for (inclusive).
    public var end: CalendarDate

    public init(start: CalendarDate, end: CalendarDate) {
        self.start = start
        self.end = end
    }
}

/// The raw bytes of one fetched page (or one combined document, or a file), with where they came from.
public struct FeedDocument: Sendable {
    /// Where the bytes are.
    public enum Body: Sendable {
        /// In memory: a fetched page.
        case bytes([UInt8])
        /// In a file, read in chunks as it is parsed: a report exported by hand may be a whole
        /// state's year (1,000,000 rows, 100 MB).
        case file(path: String)
    }

    public var body: Body
    /// The URL without its query, or the file name.
    public var feed: String
    public var page: Int?
    public var fetchedAt: Date
    /// The response's content type, when fetched.
    public var contentType: String?

    public init(bytes: [UInt8], feed: String, page: Int?, fetchedAt: Date, contentType: String? = nil) {
        self.body = .bytes(bytes)
        self.feed = feed
        self.page = page
        self.fetchedAt = fetchedAt
        self.contentType = contentType
    }

    /// A document read from a file when it is parsed.
    public init(file path: String, feed: String, readAt: Date) {
        self.body = .file(path: path)
        self.feed = feed
        self.fetchedAt = readAt
    }

    /// All the bytes at once (for JSON, which is decoded whole).
    public func contents() throws -> [UInt8] {
        switch body {
        case .bytes(let bytes): return bytes
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CertGateError(.io, "cannot read '\(path)'")
            }
            return Array(data)
        }
    }

    /// A CSV reader over the bytes; a file is read in chunks, never whole.
    public func csvReader(name: String) throws -> CSVReader {
        switch body {
        case .bytes(let bytes): CSVReader(bytes: bytes, name: name)
        case .file(let path): try CSVReader(path: path, displayName: name)
        }
    }

    /// The first bytes, to tell what kind of document this is.
    func leadingBytes(_ count: Int) -> [UInt8] {
        switch body {
        case .bytes(let bytes): return Array(bytes.prefix(count))
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
            defer { try? handle.close() }
            return Array((try? handle.read(upToCount: count)) ?? Data())
        }
    }
}

/// What a fetch brought back.
public struct FetchedFeed: Sendable {
    public var documents: [FeedDocument]
    /// The day the next pull starts from (less the overlap), stored once the documents are
    /// committed; nil leaves the stored cursor as it is.
    public var cursor: CalendarDate?

    public init(documents: [FeedDocument], cursor: CalendarDate?) {
        self.documents = documents
        self.cursor = cursor
    }
}

/// One parsed row: a canonical result, or a row that could not be read.
public enum ParsedRecord: Sendable {
    case result(CanonicalResult)
    case rejected(RejectedRecord)
}

/// A row a feed carried that could not be read, kept so staff can find and fix it.
public struct RejectedRecord: Sendable, Equatable {
    public var source: CanonicalResult.SourceReference
    public var reason: String
    /// A hash of the raw row, so re-pulling the same bad row does not store it twice. The raw row
    /// itself is not kept: it may hold a student's name or date of birth.
    public var rawHash: String

    public init(source: CanonicalResult.SourceReference, reason: String, rawHash: String) {
        self.source = source
        self.reason = reason
        self.rawHash = rawHash
    }
}

/// A whole feed could not be used: the provider fails, and nothing of its pull is stored.
public struct FeedError: Error, Sendable, CustomStringConvertible {
    public var provider: String
    public var feed: String
    public var message: String

    public init(provider: String, feed: String, _ message: String) {
        self.provider = provider
        self.feed = redactedURL(feed)
        self.message = message
    }

    public var description: String { "\(provider): \(feed): \(message)" }
}

extension FeedDocument {
    /// Fails when a page that should be CSV or JSON is an HTML page, which is what a provider
    /// portal returns when a session expired or a login is needed.
    public func requireNotHTML(provider: String, expected: String) throws {
        let start = leadingBytes(512).drop { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF || $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let isHTML =
            contentType?.lowercased().contains("text/html") == true
            || String(decoding: start.prefix(15), as: UTF8.self).lowercased().hasPrefix("<!doctype html")
            || String(decoding: start.prefix(6), as: UTF8.self).lowercased().hasPrefix("<html")
        if isHTML {
            throw FeedError(
                provider: provider, feed: feed,
                "the provider sent an HTML page instead of \(expected) (a login page? check the credentials and base URL)")
        }
    }
}
