internal import CCurl
public import CertGateCore
import Foundation
import Synchronization

/// An HTTP client over libcurl: timeouts, a size cap, TLS always verified, bounded redirects,
/// retries with backoff, connection reuse and a per-host limit on parallel transfers.
///
/// Calls block the calling thread: run them on a thread of their own, never on Swift's
/// cooperative pool.
public final class HTTPClient: Sendable {
    /// How the client behaves.
    public struct Options: Sendable {
        public var connectTimeout: Double = 15
        /// The whole transfer, in seconds.
        public var timeout: Double = 300
        /// A transfer slower than this for `lowSpeedSeconds` is aborted as stalled.
        public var lowSpeedBytesPerSecond = 1
        public var lowSpeedSeconds = 60
        /// Enforced while the body streams in.
        public var maxResponseBytes = 50 * 1024 * 1024
        /// A CA bundle to trust instead of the system's.
        public var caBundle: String?
        public var maxRedirects = 5
        /// false: a redirect is returned as the response (a browser-like test client reads the
        /// console's 303s itself).
        public var followRedirects = true
        /// Hand 4xx and 5xx answers back as responses, body and all, instead of failing (a
        /// browser-like client: the console's tests and load test read the error pages).
        public var errorStatusesAreResponses = false
        public var retry = RetryPolicy()
        /// Transfers to one host (scheme, name and port) at once.
        public var perHostConnections = 4
        public var userAgent = "CertGate/0.1 (+libcurl)"

        public init() {}

        /// Options from the `http` section of `gateway.json`.
        public init(_ config: GatewayConfig.HTTP) {
            connectTimeout = config.connectTimeoutSeconds
            timeout = config.timeoutSeconds
            lowSpeedBytesPerSecond = config.lowSpeedBytesPerSecond
            lowSpeedSeconds = config.lowSpeedSeconds
            maxResponseBytes = config.maxResponseBytes
            caBundle = config.caBundle
            retry.maxAttempts = config.maxAttempts
            retry.baseDelay = config.retryBaseDelaySeconds
            retry.maxDelay = config.retryMaxDelaySeconds
            perHostConnections = config.perHostConnections
        }
    }

    /// Something worth telling a person watching a long pull.
    public enum Event: Sendable {
        case retrying(url: String, attempt: Int, delay: Double, reason: String)
    }

    public let options: Options
    private let idleHandles = Mutex<[CurlEasy]>([])
    private let hostSlots = Mutex<[String: DispatchSemaphore]>([:])
    private let onEvent: (@Sendable (Event) -> Void)?

    public init(options: Options = Options(), onEvent: (@Sendable (Event) -> Void)? = nil) {
        precondition(CurlGlobal.initialized, "curl_global_init failed")
        self.options = options
        self.onEvent = onEvent
    }

    /// Sends a request, retrying transient failures; a status of 400 or more is an error.
    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let result = sendOnce(request, attempt: attempt)
            let error: HTTPError
            switch result {
            case .success(let response): return response
            case .failure(let failure): error = failure
            }
            guard error.isTransient, attempt < options.retry.maxAttempts else { throw error }
            let delay = options.retry.delay(afterAttempt: attempt, retryAfter: error.retryAfter)
            guard let delay else {
                var final = error
                final.message += (final.message.isEmpty ? "" : "; ")
                    + "the server asked to wait \(Int(error.retryAfter ?? 0)) s, longer than allowed"
                throw final
            }
            onEvent?(.retrying(url: error.url, attempt: attempt, delay: delay, reason: error.reason))
            Thread.sleep(forTimeInterval: delay)
        }
    }

    /// Sends several requests at once, at most `perHostConnections` to any one host, and returns
    /// their results in order.
    public func sendAll(_ requests: [HTTPRequest], maxConcurrent: Int = 8) -> [Result<HTTPResponse, HTTPError>] {
        let results = Mutex<[Result<HTTPResponse, HTTPError>?]>(Array(repeating: nil, count: requests.count))
        let next = Atomic<Int>(0)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(maxConcurrent, requests.count)) {
            group.enter()
            let worker = Thread { [self] in
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < requests.count else { break }
                    let result = Result { () throws(HTTPError) in try self.send(requests[index]) }
                    results.withLock { $0[index] = result }
                }
                group.leave()
            }
            worker.start()
        }
        group.wait()
        return results.withLock { $0.map { $0! } }
    }

    private func sendOnce(_ request: HTTPRequest, attempt: Int) -> Result<HTTPResponse, HTTPError> {
        var request = request
        for _ in 0...options.maxRedirects {
            let result = sendHop(request, attempt: attempt)
            guard case .success(let response) = result, request.carriesCredentials, options.followRedirects, (300..<400).contains(response.status),
                let location = response.header("Location")
            else { return result }
            switch redirect(request, to: location, status: response.status) {
            case .success(let next): request = next
            case .failure(let error): return .failure(error)
            }
        }
        return .failure(
            HTTPError(kind: .tooManyRedirects, url: request.url, attempts: attempt, message: "more than \(options.maxRedirects) redirects"))
    }

    /// Where a redirect of a request carrying a credential may go: the same origin (scheme, host
    /// and port) for a GET with an auth header; nowhere for a request with a body, which would
    /// re-send it (an OAuth2 client secret) to wherever the server says.
    private func redirect(_ request: HTTPRequest, to location: String, status: Int) -> Result<HTTPRequest, HTTPError> {
        func refused(_ message: String) -> Result<HTTPRequest, HTTPError> {
            .failure(HTTPError(kind: .redirectRefused, url: request.url, attempts: 1, message: message))
        }
        guard request.body == nil else {
            return refused(
                "the server answered \(status) with a redirect; a request carrying credentials in its body is never sent on "
                    + "(set the provider's base_url to the final address)")
        }
        guard let from = URLComponents(string: request.url), let base = URL(string: request.url),
            let target = URL(string: location, relativeTo: base)?.absoluteURL, let to = URLComponents(url: target, resolvingAgainstBaseURL: true)
        else { return refused("the server answered \(status) with a redirect to an unreadable address") }
        func origin(_ url: URLComponents) -> String {
            let scheme = url.scheme?.lowercased() ?? ""
            return "\(scheme)://\(url.host?.lowercased() ?? ""):\(url.port ?? (scheme == "https" ? 443 : 80))"
        }
        guard origin(from) == origin(to) else {
            return refused(
                "the server redirected to another origin (\(origin(to))); credentials are never sent there "
                    + "(set the provider's base_url to the final address)")
        }
        var next = request
        next.url = target.absoluteString
        return .success(next)
    }

    private func sendHop(_ request: HTTPRequest, attempt: Int) -> Result<HTTPResponse, HTTPError> {
        guard let url = URLComponents(string: request.url), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            return .failure(HTTPError(kind: .invalidRequest, url: request.url, attempts: attempt, message: "not an http(s) URL"))
        }
        let slot = hostSlot("\(scheme)://\(host):\(url.port ?? (scheme == "https" ? 443 : 80))")
        slot.wait()
        defer { slot.signal() }
        let easy = idleHandles.withLock { $0.popLast() } ?? CurlEasy()
        defer { idleHandles.withLock { $0.append(easy) } }

        let outcome = easy.perform(request, options: options)
        if outcome.code != CURLE_OK {
            var kind = CurlEasy.kind(of: outcome.code, state: outcome.state)
            var message = CurlEasy.message(of: outcome.code, state: outcome.state)
            if kind == .tooLarge {
                message = "the response is larger than the \(options.maxResponseBytes)-byte limit"
            } else if kind == .redirectRefused && outcome.effectiveURL == request.url {
                kind = .invalidRequest
            }
            return .failure(HTTPError(kind: kind, url: request.url, attempts: attempt, message: message))
        }
        if outcome.status >= 400 && !options.errorStatusesAreResponses {
            let retryAfter = outcome.state.headers["retry-after"].flatMap(RetryPolicy.parseRetryAfter)
            return .failure(
                HTTPError(kind: .status(outcome.status), url: outcome.effectiveURL, attempts: attempt, message: "",
                    retryAfter: retryAfter))
        }
        return .success(
            HTTPResponse(
                status: outcome.status, headers: outcome.state.headers, body: outcome.state.body,
                url: redactedURL(outcome.effectiveURL), attempts: attempt))
    }

    private func hostSlot(_ key: String) -> DispatchSemaphore {
        hostSlots.withLock { slots in
            if let slot = slots[key] { return slot }
            let slot = DispatchSemaphore(value: max(1, options.perHostConnections))
            slots[key] = slot
            return slot
        }
    }
}
