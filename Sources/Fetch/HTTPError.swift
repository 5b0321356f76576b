/// Why a request failed. Carries the URL without its query, the attempts made and curl's own
/// message, and never a credential or a response body.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The host name did not resolve.
        case dns
        /// No connection could be made (refused, unreachable).
        case connect
        /// Certificate verification or the TLS handshake failed.
        case tls
        /// The connect timeout, the total timeout or the low-speed limit (a stalled transfer) struck.
        case timeout
        /// The connection broke or closed before the whole response arrived.
        case connectionLost
        /// The response was larger than the configured cap.
        case tooLarge
        /// The server answered with an error status.
        case status(Int)
        /// A redirect to a scheme that is not allowed (https to http).
        case redirectRefused
        case tooManyRedirects
        /// The response could not be decoded (bad gzip, bad chunking).
        case badResponse
        /// The request could not be made as given (a malformed URL).
        case invalidRequest
        case other
    }

    public var kind: Kind
    public var url: String
    public var attempts: Int
    public var message: String
    /// Seconds the server asked us to wait (429/503 `Retry-After`), when it did.
    public var retryAfter: Double?

    public init(kind: Kind, url: String, attempts: Int, message: String, retryAfter: Double? = nil) {
        self.kind = kind
        self.url = redactedURL(url)
        self.attempts = attempts
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String {
        let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
        return message.isEmpty ? "\(reason): \(url) (\(tries))" : "\(reason): \(url) (\(tries)): \(message)"
    }

    /// What went wrong, in a few words: "HTTP 503", "timed out".
    public var reason: String {
        let what: String
        switch kind {
        case .dns: what = "host name did not resolve"
        case .connect: what = "could not connect"
        case .tls: what = "TLS failure"
        case .timeout: what = "timed out"
        case .connectionLost: what = "connection lost"
        case .tooLarge: what = "response too large"
        case .status(let code): what = "HTTP \(code)"
        case .redirectRefused: what = "redirect refused"
        case .tooManyRedirects: what = "too many redirects"
        case .badResponse: what = "malformed response"
        case .invalidRequest: what = "invalid request"
        case .other: what = "transfer failed"
        }
        return what
    }

    /// Whether trying again may help.
    var isTransient: Bool {
        switch kind {
        case .dns, .connect, .timeout, .connectionLost: return true
        case .status(let code): return code == 408 || code == 429 || (500...599).contains(code)
        default: return false
        }
    }
}
