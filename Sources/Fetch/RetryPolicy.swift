import Foundation

/// When and how long to wait before trying a request again.
///
/// Exponential backoff with full jitter (a random delay up to the exponential bound, so many
/// clients do not retry in step); a server's `Retry-After` is honoured when it is not longer than
/// `maxRetryAfter`.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts = 4
    public var baseDelay = 1.0
    public var maxDelay = 60.0
    /// The longest `Retry-After` the client will wait; a longer one fails the request at once.
    public var maxRetryAfter = 300.0

    public init() {}

    /// Seconds to wait after a failed attempt (1-based), or nil when the server asks for longer
    /// than `maxRetryAfter`.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double? {
        if let retryAfter {
            return retryAfter <= maxRetryAfter ? max(0, retryAfter) : nil
        }
        let bound = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
        return Double.random(in: (bound / 2)...max(bound / 2, bound))
    }

    /// `Retry-After` as seconds: either a number of seconds or an HTTP date.
    public static func parseRetryAfter(_ value: String) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSinceNow)
    }
}
