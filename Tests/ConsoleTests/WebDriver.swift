import Fetch
import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import TestSupport

/// A small W3C WebDriver client over our own libcurl client, driving Debian's headless Chromium
/// through chromedriver, for tests that use the console as a person does.
final class WebDriver {
    let process: Process
    let base: String
    let session: String
    private let client: HTTPClient

    /// Starts chromedriver on a free port and a headless Chromium session.
    init() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else {
            throw DriverError("chromedriver is missing: make test installs Debian's chromium and chromium-driver")
        }
        var options = HTTPClient.Options()
        options.retry.maxAttempts = 1
        options.timeout = 60
        client = HTTPClient(options: options)
        // A port below the system's ephemeral range (32768-60999 here), where the tests' own
        // servers and connections live; a port taken already makes chromedriver exit: try another.
        var started: (Process, String)?
        for _ in 0..<5 where started == nil {
            let port = Int.random(in: 20_000..<32_000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/chromedriver")
            process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let base = "http://127.0.0.1:\(port)"
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning && Date() < deadline {
                if let status = try? client.send(HTTPRequest(url: base + "/status")), status.status == 200,
                    String(decoding: status.body, as: UTF8.self).contains("ready")
                {
                    started = (process, base)
                    break
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            if started == nil && process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        guard let (process, base) = started else { throw DriverError("chromedriver did not start (tried five ports)") }
        self.process = process
        self.base = base
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": "/usr/bin/chromium",
                        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"],
                    ],
                ]
            ]
        ]
        let created = try Self.call(client, .post, base + "/session", capabilities)
        guard let value = created["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            throw DriverError("no session: \(created)")
        }
        session = id
    }

    deinit {
        _ = try? Self.call(client, .delete, base + "/session/\(session)", nil)
        kill(process.processIdentifier, SIGKILL)  // chromedriver does not stop on SIGTERM
        process.waitUntilExit()
    }

    func go(_ url: String) throws { _ = try command("url", ["url": url]) }

    /// Resizes the window (a phone is about 390 × 844).
    func resize(width: Int, height: Int) throws { _ = try command("window/rect", ["width": width, "height": height]) }

    /// The element a CSS selector finds first.
    func element(_ selector: String) throws -> String {
        let found = try command("element", ["using": "css selector", "value": selector])
        guard let value = found["value"] as? [String: Any], let id = value["element-6066-11e4-a52e-4f735466cecf"] as? String else {
            throw DriverError("no element \(selector)")
        }
        return id
    }

    func type(_ selector: String, _ text: String) throws { _ = try command("element/\(try element(selector))/value", ["text": text]) }

    func click(_ selector: String) throws { _ = try command("element/\(try element(selector))/click", [:]) }

    /// Waits (up to `seconds`) until `condition` holds: a click's navigation may still be loading
    /// when the click returns.
    @discardableResult
    func wait(seconds: Double = 15, until condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return try condition()
    }

    var source: String { get throws { (try command("source", nil, get: true)["value"] as? String) ?? "" } }
    var url: String { get throws { (try command("url", nil, get: true)["value"] as? String) ?? "" } }

    /// A PNG of the page, written to `.build/console-screenshots/NAME.png`; its path.
    @discardableResult
    func screenshot(_ name: String) throws -> String {
        guard let base64 = try command("screenshot", nil, get: true)["value"] as? String, let png = Data(base64Encoded: base64) else {
            throw DriverError("no screenshot")
        }
        let folder = Fixtures.path(".build/console-screenshots")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent("\(name).png")
        try png.write(to: URL(fileURLWithPath: path))
        return path
    }

    private func command(_ path: String, _ body: [String: Any]?, get: Bool = false) throws -> [String: Any] {
        try Self.call(client, get ? .get : .post, base + "/session/\(session)/\(path)", body)
    }

    private static func call(_ client: HTTPClient, _ method: HTTPRequest.Method, _ url: String, _ body: [String: Any]?) throws -> [String: Any] {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let request = HTTPRequest(
            method: method, url: url, headers: [("Content-Type", "application/json")], body: data.map { Array($0) } ?? (method == .post ? Array("{}".utf8) : nil))
        let response = try client.send(request)
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }
}

struct DriverError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
