import CertGateCore
import Console
import Fetch
import Foundation
import Gateway
import TestSupport
import Testing

/// The console serving HTTPS itself, from the certificate and key gateway.json names.
@Suite struct ConsoleTLSTests {
    static func gateway(in directory: TemporaryDirectory, keyMode: Int) throws -> Gateway {
        let key = directory.file("console-key.pem")
        try FileManager.default.copyItem(atPath: Fixtures.testFile("tls/localhost-key.pem"), toPath: key)
        try FileManager.default.setAttributes([.posixPermissions: keyMode], ofItemAtPath: key)
        let config = try TestConfig.make(in: directory) {
            $0["console"] = ["tls_certificate": Fixtures.testFile("tls/localhost.pem"), "tls_key": key]
        }
        return try Gateway(databaseLocation: try TestDatabase.location(in: directory), configDirectory: config, actor: "setup")
    }

    @Test func theConsoleServesHTTPSWithSecureCookies() throws {
        let directory = try TemporaryDirectory()
        let gateway = try Self.gateway(in: directory, keyMode: 0o600)
        try gateway.addUser(NewUser(username: "coord", role: .cteCoordinator, schools: [], teacherName: nil), password: ConsoleTests.password)
        var options = HTTPServer.Options()
        options.port = 0
        let server = try ConsoleApp(gateway: gateway).serve(options)
        var clientOptions = HTTPClient.Options()
        clientOptions.caBundle = Fixtures.testFile("tls/localhost.pem")
        clientOptions.followRedirects = false
        clientOptions.retry.maxAttempts = 1
        let client = HTTPClient(options: clientOptions)
        let base = "https://127.0.0.1:\(server.port)"
        #expect(try client.send(HTTPRequest(url: base + "/login")).status == 200)
        let signedIn = try client.send(
            HTTPRequest(method: .post, url: base + "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("username=coord&password=\(ConsoleTests.password.replacingOccurrences(of: " ", with: "+"))".utf8)))
        #expect(signedIn.status == 303 && signedIn.header("Set-Cookie")?.contains("; Secure") == true)
        // Plain HTTP to the HTTPS port gets no page.
        #expect(throws: HTTPError.self) { try client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/login")) }
        server.stop()
    }

    @Test func aKeyOthersCanReadIsRefused() throws {
        let directory = try TemporaryDirectory()
        let gateway = try Self.gateway(in: directory, keyMode: 0o644)
        var options = HTTPServer.Options()
        options.port = 0
        #expect { try ConsoleApp(gateway: gateway).serve(options) } throws: { "\($0)".contains("chmod 600") }
    }
}
