import Fetch
import Foundation
import MockProvider
import TestSupport
import Testing

/// TLS is always verified, a CA bundle can be named, and https never redirects to http.
@Suite struct TLSTests {
    static let identity = TLSIdentity(
        certificatePath: Fixtures.testFile("tls/localhost.pem"), keyPath: Fixtures.testFile("tls/localhost-key.pem"))

    static func client(trustingTestCA: Bool) -> HTTPClient {
        HTTPClient(
            options: HTTPClientTests.options {
                $0.retry.maxAttempts = 1
                if trustingTestCA { $0.caBundle = Fixtures.testFile("tls/localhost.pem") }
            })
    }

    @Test func httpsWorksWithTheConfiguredCABundle() throws {
        let server = try LoopbackServer(tls: Self.identity) { _ in .text("secure report") }
        #expect(server.baseURL.hasPrefix("https://"))
        #expect(try Self.client(trustingTestCA: true).send(.get(server.baseURL + "/r")).text == "secure report")
    }

    @Test func untrustedCertificateIsRefused() throws {
        let server = try LoopbackServer(tls: Self.identity) { _ in .text("should not be read") }
        let error = try #require(throws: HTTPError.self) {
            try Self.client(trustingTestCA: false).send(.get(server.baseURL + "/r"))
        }
        #expect(error.kind == .tls)
    }

    @Test func httpsToHTTPRedirectIsRefused() throws {
        let plain = try LoopbackServer { _ in .text("downgraded") }
        let secure = try LoopbackServer(tls: Self.identity) { _ in .redirect(to: plain.baseURL + "/report") }
        let error = try #require(throws: HTTPError.self) {
            try Self.client(trustingTestCA: true).send(.get(secure.baseURL + "/report"))
        }
        #expect(error.kind == .redirectRefused)
        #expect(plain.requests.isEmpty)
    }

    @Test func httpToHTTPSRedirectIsAllowed() throws {
        let secure = try LoopbackServer(tls: Self.identity) { _ in .text("upgraded") }
        let plain = try LoopbackServer { _ in .redirect(to: secure.baseURL + "/report") }
        #expect(try Self.client(trustingTestCA: true).send(.get(plain.baseURL + "/report")).text == "upgraded")
    }
}
