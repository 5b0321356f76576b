import Fetch
import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import TestSupport
import Testing

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

    /// One accessibility problem axe-core found on a page.
    struct Violation: CustomStringConvertible {
        var rule: String
        var impact: String
        var nodes: Int
        var help: String
        var description: String { "\(impact) \(rule) (\(nodes) element(s)): \(help)" }
    }

    /// Runs axe-core (the copy `make test` takes from PyPI's axe-selenium-python) on the page
    /// against WCAG 2.0/2.1 A and AA; the violations it finds. Scripts injected over WebDriver are
    /// not bound by the page's CSP; the console itself still runs none.
    func accessibilityViolations() throws -> [Violation] {
        let path = Fixtures.path(".build/axe/axe.min.js")
        guard let axe = FileManager.default.contents(atPath: path) else {
            throw DriverError("\(path) is missing: make test downloads it (axe-core, from PyPI's axe-selenium-python)")
        }
        try execute(String(decoding: axe, as: UTF8.self) + "; return true;")
        let result = try command("execute/async", [
            "script": """
                var done = arguments[arguments.length - 1];
                axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})
                  .then(function (r) { done(JSON.stringify(r.violations.map(function (v) {
                      return {rule: v.id, impact: v.impact || '', nodes: v.nodes.length, help: v.help}; }))); })
                  .catch(function (e) { done('error: ' + e); });
                """,
            "args": [],
        ])
        guard let text = result["value"] as? String, let data = text.data(using: .utf8),
            let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]]
        else { throw DriverError("axe-core did not run: \(result["value"] ?? "no answer")") }
        return list.map {
            Violation(rule: $0["rule"] as? String ?? "", impact: $0["impact"] as? String ?? "", nodes: $0["nodes"] as? Int ?? 0,
                help: $0["help"] as? String ?? "")
        }
    }

    /// A screenshot and an axe-core check of the page: no serious or critical violation. Every
    /// page's result is appended to `.build/console-screenshots/axe.txt`.
    func check(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try screenshot(name)
        let violations = try accessibilityViolations()
        let serious = violations.filter { $0.impact == "serious" || $0.impact == "critical" }
        #expect(serious.isEmpty, "\(name): \(serious)", sourceLocation: sourceLocation)
        let line = "\(name): " + (violations.isEmpty ? "no violations" : violations.map(\.description).joined(separator: "; ")) + "\n"
        let log = Fixtures.path(".build/console-screenshots/axe.txt")
        if let handle = FileHandle(forWritingAtPath: log) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        } else {
            FileManager.default.createFile(atPath: log, contents: Data(line.utf8))
        }
    }

    /// Chooses a file for an `<input type="file">` (chromedriver reads it from this machine).
    func choose(_ selector: String, file: String) throws { try type(selector, file) }

    /// Sets a field's value directly (a date input, whose typed format follows the browser's locale).
    func setValue(_ selector: String, _ value: String) throws {
        try execute("document.querySelector(arguments[0]).value = arguments[1];", [selector, value])
    }

    /// Runs a script in the page; its value.
    @discardableResult
    func execute(_ script: String, _ arguments: [Any] = []) throws -> Any? {
        try command("execute/sync", ["script": script, "args": arguments])["value"]
    }

    /// A cookie of the page's site, HttpOnly ones too (WebDriver sees them; the page's scripts do not).
    func cookie(_ name: String) throws -> String? {
        ((try command("cookie/\(name)", nil, get: true)["value"] as? [String: Any])?["value"]) as? String
    }

    /// Picks the option with this value in a `<select>`.
    func select(_ selector: String, value: String) throws { try click("\(selector) option[value='\(value)']") }

    private func command(_ path: String, _ body: [String: Any]?, get: Bool = false) throws -> [String: Any] {
        try Self.call(client, get ? .get : .post, base + "/session/\(session)/\(path)", body)
    }

    private static func call(_ client: HTTPClient, _ method: HTTPRequest.Method, _ url: String, _ body: [String: Any]?) throws -> [String: Any] {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let request = HTTPRequest(
            method: method, url: url, headers: [("Content-Type", "application/json")], body: data.map { Array($0) } ?? (method == .post ? Array("{}".utf8) : nil))
        let response = try client.send(request)
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw DriverError("\(method.rawValue) \(url): HTTP \(response.status), not JSON: \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        return object
    }
}

struct DriverError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
