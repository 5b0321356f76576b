import Fetch
import Foundation
import MockProvider
import Synchronization
import TestSupport
import Testing

/// The libcurl client against a real server on 127.0.0.1.
@Suite struct HTTPClientTests {
    /// Fast retries and short timeouts, so fault tests finish quickly.
    static func options(_ change: (inout HTTPClient.Options) -> Void = { _ in }) -> HTTPClient.Options {
        var options = HTTPClient.Options()
        options.connectTimeout = 2
        options.timeout = 10
        options.retry.baseDelay = 0.01
        options.retry.maxDelay = 0.05
        change(&options)
        return options
    }

    @Test func getReturnsStatusHeadersAndBody() throws {
        let server = try LoopbackServer { request in
            .text("Candidate ID,Exam Code\nC1,MO-200\n", contentType: "text/csv")
        }
        let response = try HTTPClient(options: Self.options()).send(.get(server.baseURL + "/exam-results?page=1"))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/csv")
        #expect(response.text == "Candidate ID,Exam Code\nC1,MO-200\n")
        #expect(response.attempts == 1)
        #expect(server.requests.first?.path == "/exam-results")
        #expect(server.requests.first?.queryItems["page"] == "1")
    }

    @Test func postSendsTheFormBody() throws {
        let server = try LoopbackServer { request in .text(String(decoding: request.body, as: UTF8.self)) }
        let response = try HTTPClient(options: Self.options()).send(
            .post(server.baseURL + "/oauth/token", form: [("grant_type", "client_credentials"), ("client_id", "a b&c")]))
        #expect(response.text == "grant_type=client_credentials&client_id=a+b%26c")
        #expect(server.requests.first?.method == "POST")
        #expect(server.requests.first?.header("content-type") == "application/x-www-form-urlencoded")
    }

    @Test func redirectIsFollowed() throws {
        let server = try LoopbackServer { request in
            request.path == "/old" ? .redirect(to: "/new") : .text("moved here")
        }
        let response = try HTTPClient(options: Self.options()).send(.get(server.baseURL + "/old"))
        #expect(response.text == "moved here")
        #expect(response.url.hasSuffix("/new"))
    }

    @Test func tooManyRedirectsFail() throws {
        let server = try LoopbackServer { request in .redirect(to: "/loop") }
        #expect {
            try HTTPClient(options: Self.options()).send(.get(server.baseURL + "/loop"))
        } throws: { ($0 as? HTTPError)?.kind == .tooManyRedirects }
        #expect(server.requests.count == 6)  // the first request and five redirects
    }

    @Test func notFoundIsNotRetried() throws {
        let server = try LoopbackServer { _ in .text("no such report", status: 404) }
        let error = try #require(throws: HTTPError.self) {
            try HTTPClient(options: Self.options()).send(.get(server.baseURL + "/missing"))
        }
        #expect(error.kind == .status(404))
        #expect(error.attempts == 1)
        #expect(server.requests.count == 1)
    }

    @Test func serviceUnavailableIsRetriedUntilItSucceeds() throws {
        let calls = Atomic<Int>(0)
        let server = try LoopbackServer { _ in
            calls.add(1, ordering: .relaxed).newValue < 3 ? .text("busy", status: 503) : .text("ok")
        }
        let response = try HTTPClient(options: Self.options()).send(.get(server.baseURL + "/"))
        #expect(response.text == "ok")
        #expect(response.attempts == 3)
    }

    @Test func retriesAreBounded() throws {
        let server = try LoopbackServer { _ in .text("down", status: 500) }
        let error = try #require(throws: HTTPError.self) {
            try HTTPClient(options: Self.options { $0.retry.maxAttempts = 3 }).send(.get(server.baseURL + "/"))
        }
        #expect(error.kind == .status(500))
        #expect(error.attempts == 3)
        #expect(server.requests.count == 3)
    }

    @Test func retryAfterIsWaitedFor() throws {
        let calls = Atomic<Int>(0)
        let server = try LoopbackServer { _ in
            calls.add(1, ordering: .relaxed).newValue == 1
                ? MockResponse(status: 429, headers: [("Retry-After", "1")], body: Array("slow down".utf8))
                : .text("ok")
        }
        let started = Date()
        let response = try HTTPClient(options: Self.options()).send(.get(server.baseURL + "/"))
        #expect(response.text == "ok")
        #expect(response.attempts == 2)
        // The backoff alone would be under 0.05 s: waiting a second shows Retry-After was read.
        #expect(Date().timeIntervalSince(started) >= 0.9)
    }

    @Test func retryAfterLongerThanAllowedFailsAtOnce() throws {
        let server = try LoopbackServer { _ in
            MockResponse(status: 503, headers: [("Retry-After", "86400")])
        }
        let error = try #require(throws: HTTPError.self) {
            try HTTPClient(options: Self.options()).send(.get(server.baseURL + "/"))
        }
        #expect(error.kind == .status(503))
        #expect(error.attempts == 1)
        #expect(error.description.contains("asked to wait 86400 s"))
    }

    @Test func retryAfterAsHTTPDate() {
        let inTenSeconds = Date().addingTimeInterval(10)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let seconds = RetryPolicy.parseRetryAfter(formatter.string(from: inTenSeconds))
        #expect(seconds.map { (8...10.5).contains($0) } == true)
        #expect(RetryPolicy.parseRetryAfter("120") == 120)
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
    }

    @Test func connectionRefusedIsAConnectError() throws {
        // Take a free port, then stop the server so nothing listens there.
        let server = try LoopbackServer { _ in .text("") }
        let port = server.port
        server.stop()
        let error = try #require(throws: HTTPError.self) {
            try HTTPClient(options: Self.options { $0.retry.maxAttempts = 2 }).send(.get("http://127.0.0.1:\(port)/"))
        }
        #expect(error.kind == .connect)
        #expect(error.attempts == 2)
    }

    @Test func unresolvableHostIsADNSError() throws {
        let error = try #require(throws: HTTPError.self) {
            try HTTPClient(options: Self.options { $0.retry.maxAttempts = 1 }).send(.get("http://provider.invalid/report"))
        }
        #expect(error.kind == .dns)
    }

    @Test func stalledServerTimesOut() throws {
        let server = try LoopbackServer { _ in
            MockResponse(body: Array(repeating: 65, count: 1000), fault: .stall(afterBytes: 10, seconds: 20))
        }
        let client = HTTPClient(
            options: Self.options {
                $0.lowSpeedBytesPerSecond = 100
                $0.lowSpeedSeconds = 1
                $0.retry.maxAttempts = 1
            })
        let started = Date()
        let error = try #require(throws: HTTPError.self) { try client.send(.get(server.baseURL + "/slow")) }
        #expect(error.kind == .timeout)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func oversizedBodyWithKnownLengthFailsAtOnce() throws {
        let server = try LoopbackServer { _ in MockResponse(body: Array(repeating: 66, count: 300_000)) }
        let error = try #require(throws: HTTPError.self) {
            try HTTPClient(options: Self.options { $0.maxResponseBytes = 100_000 }).send(.get(server.baseURL + "/big"))
        }
        #expect(error.kind == .tooLarge)
        #expect(error.attempts == 1)
    }

    @Test func oversizedBodyOfUnknownLengthIsCutOffWhileStreaming() throws {
        let server = try LoopbackServer { _ in
            // No Content-Length: only the check in the write callback can stop this body.
            MockResponse(body: Array(repeating: 67, count: 3_000_000), closeDelimited: true)
        }
        let error = try #require(throws: HTTPError.self) {
            try HTTPClient(options: Self.options { $0.maxResponseBytes = 100_000 }).send(.get(server.baseURL + "/big"))
        }
        #expect(error.kind == .tooLarge)
    }

    @Test func truncatedBodyIsAConnectionError() throws {
        let server = try LoopbackServer { _ in
            MockResponse(body: Array(repeating: 68, count: 5000), fault: .truncate(afterBytes: 100))
        }
        let error = try #require(throws: HTTPError.self) {
            try HTTPClient(options: Self.options { $0.retry.maxAttempts = 2 }).send(.get(server.baseURL + "/cut"))
        }
        #expect(error.kind == .connectionLost)
        #expect(error.attempts == 2)
    }

    @Test func connectionResetMidBodyIsRetried() throws {
        let calls = Atomic<Int>(0)
        let server = try LoopbackServer { _ in
            calls.add(1, ordering: .relaxed).newValue == 1
                ? MockResponse(body: Array(repeating: 69, count: 5000), fault: .reset(afterBytes: 100))
                : .text("whole")
        }
        let response = try HTTPClient(options: Self.options()).send(.get(server.baseURL + "/"))
        #expect(response.text == "whole")
        #expect(response.attempts == 2)
    }

    @Test func gzipBodyIsDecoded() throws {
        let compressed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.testFile("report.csv.gz"))))
        let server = try LoopbackServer { request in
            MockResponse(headers: [("Content-Encoding", "gzip"), ("Content-Type", "text/csv")], body: compressed)
        }
        let response = try HTTPClient(options: Self.options()).send(.get(server.baseURL + "/report"))
        #expect(response.text == String(repeating: "certgate,report,\"gzip\"\n", count: 200))
        #expect(server.requests.first?.header("accept-encoding")?.contains("gzip") == true)
    }

    @Test func connectionsAreReused() throws {
        let server = try LoopbackServer { _ in .text("page") }
        let client = HTTPClient(options: Self.options())
        for page in 1...5 { _ = try client.send(.get(server.baseURL + "/exam-results?page=\(page)")) }
        #expect(server.requests.count == 5)
        #expect(server.connectionCount == 1)
    }

    @Test func sendAllKeepsOrderAndThePerHostLimit() throws {
        let active = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        let server = try LoopbackServer { request in
            let now = active.add(1, ordering: .relaxed).newValue
            _ = peak.max(now, ordering: .relaxed)
            Thread.sleep(forTimeInterval: 0.05)
            active.subtract(1, ordering: .relaxed)
            return .text(request.path)
        }
        let client = HTTPClient(options: Self.options { $0.perHostConnections = 2 })
        let requests = (0..<12).map { HTTPRequest.get(server.baseURL + "/session/\($0)") }
        let results = client.sendAll(requests, maxConcurrent: 6)
        #expect(try results.map { try $0.get().text } == (0..<12).map { "/session/\($0)" })
        #expect(peak.load(ordering: .relaxed) == 2)
    }

    /// A token request answered 307 to another host would re-POST the client secret there: it is
    /// never sent on, and the other host sees nothing.
    @Test func credentialsNeverFollowARedirectToAnotherOrigin() throws {
        let elsewhere = try LoopbackServer { request in .text(String(decoding: request.body, as: UTF8.self)) }
        let token = try LoopbackServer { request in
            request.path == "/same" ? .text("same origin: \(request.header("authorization") ?? "none")")
                : .redirect(to: elsewhere.baseURL + "/steal", status: 307)
        }
        let client = HTTPClient(options: Self.options())
        let post = try #require(throws: HTTPError.self) {
            try client.send(.post(token.baseURL + "/oauth/token", form: [("client_secret", "very-secret")]))
        }
        #expect(post.kind == .redirectRefused)
        #expect(post.message.contains("never sent on"))
        let auth = try #require(
            try AuthSettings(type: .apiKey, tokenEnv: "K", header: "X-API-Key").resolve(environment: ["K": "key-1"]))
        let get = try #require(throws: HTTPError.self) { try client.send(.get(token.baseURL + "/report", auth: auth)) }
        #expect(get.kind == .redirectRefused)
        #expect(get.message.contains("another origin"))
        #expect(elsewhere.requests.isEmpty)
        // Within the same origin a GET with its credential is followed.
        let same = try LoopbackServer { request in
            request.path == "/old" ? .redirect(to: "/new", status: 301) : .text("here: \(request.header("x-api-key") ?? "none")")
        }
        #expect(try client.send(.get(same.baseURL + "/old", auth: auth)).text == "here: key-1")
        // A plain GET with no credential follows redirects anywhere, as before.
        #expect(try client.send(.get(token.baseURL + "/away")).text == "")
        #expect(elsewhere.requests.count == 1)
    }

    @Test func authHeaderIsSentButNeverShownInErrors() throws {
        let token = "s3cr3t-token-value"
        let server = try LoopbackServer { _ in .text("denied", status: 401) }
        let auth = try #require(
            try AuthSettings(type: .bearer, tokenEnv: "CERTGATE_TEST_TOKEN").resolve(environment: ["CERTGATE_TEST_TOKEN": token]))
        let error = try #require(throws: HTTPError.self) {
            try HTTPClient(options: Self.options()).send(.get(server.baseURL + "/exam-results?token=\(token)", auth: auth))
        }
        #expect(server.requests.first?.header("authorization") == "Bearer \(token)")
        #expect(error.kind == .status(401))
        #expect(!error.description.contains(token))
        #expect(!String(describing: error).contains(token))
        #expect(!String(reflecting: auth).contains(token))
    }

    @Test func basicAndAPIKeyAuth() throws {
        let server = try LoopbackServer { request in
            .text([request.header("authorization"), request.header("x-api-key")].compactMap { $0 }.joined(separator: "|"))
        }
        let environment = ["USER_VAR": "district", "PASS_VAR": "pw", "KEY_VAR": "k-123"]
        let basic = try AuthSettings(type: .basic, userEnv: "USER_VAR", secretEnv: "PASS_VAR").resolve(environment: environment)
        let apiKey = try AuthSettings(type: .apiKey, tokenEnv: "KEY_VAR", header: "X-API-Key").resolve(environment: environment)
        let client = HTTPClient(options: Self.options())
        #expect(try client.send(.get(server.baseURL, auth: basic)).text == "Basic ZGlzdHJpY3Q6cHc=")
        #expect(try client.send(.get(server.baseURL, auth: apiKey)).text == "k-123")
    }

    @Test func missingCredentialNamesTheVariableOnly() {
        #expect {
            try AuthSettings(type: .bearer, tokenEnv: "CERTPORT_TOKEN").resolve(environment: [:])
        } throws: { "\($0)".contains("CERTPORT_TOKEN is not set") }
    }

    @Test func malformedURLIsAnInvalidRequest() {
        #expect {
            try HTTPClient(options: Self.options()).send(.get("ftp://example.org/report"))
        } throws: { ($0 as? HTTPError)?.kind == .invalidRequest }
    }
}
