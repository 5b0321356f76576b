import Dispatch
import Fetch
import Matching
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What uploads cost the console: `certgate serve` in a process of its own (on the console
/// benchmark's database) takes a 10 MiB upload, and its peak memory is read before and after;
/// a 1 GiB upload is timed until it is refused.
enum UploadBenchmark {
    struct Figures {
        var baselineMiB = 0.0
        /// After a 10 MiB upload refused for its form (the file is spooled, never read).
        var afterSpoolMiB = 0.0
        /// After a 10 MiB upload read and validated as a PDF (it is not one: refused).
        var afterValidationMiB = 0.0
        var tenMiBMilliseconds = 0.0
        var refusedGiBMilliseconds = 0.0
        var refusedGiBStatus = ""
    }

    static func run(certgate: String, database: String, username: String, password: String) throws -> Figures {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: certgate)
        process.arguments = ["--db", database, "--config", "config", "serve", "--listen", "127.0.0.1:0"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // "console at http://127.0.0.1:PORT/ ..."
        var line = ""
        while !line.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchError("certgate serve stopped before it listened") }
            line += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = line.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
            throw BenchError("certgate serve said: \(line)")
        }
        let base = String(line[range])
        var options = HTTPClient.Options()
        options.followRedirects = false
        options.retry.maxAttempts = 1
        options.errorStatusesAreResponses = true
        let client = HTTPClient(options: options)
        let signIn = try client.send(
            HTTPRequest(method: .post, url: base + "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("username=\(username)&password=\(password.replacingOccurrences(of: " ", with: "+"))".utf8)))
        guard let token = signIn.header("Set-Cookie")?.split(separator: ";").first?.split(separator: "=").last else {
            throw BenchError("sign-in to certgate serve failed (\(signIn.status))")
        }
        let cookie = ("Cookie", "certgate_session=\(token)")
        let page = String(decoding: try client.send(HTTPRequest(url: base + "/tasks", headers: [cookie])).body, as: UTF8.self)
        guard let found = page.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression) else {
            throw BenchError("no CSRF token from certgate serve")
        }
        let csrf = String(page[found].dropFirst(#"name="csrf" value=""#.count).dropLast())
        func peakMiB() -> Double { Double(ChildProcess.highWaterKiB(process.processIdentifier) ?? 0) / 1024 }

        var figures = Figures()
        figures.baselineMiB = peakMiB()
        var random = SplitMix64(seed: 10)
        let tenMiB = (0..<(10 << 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        func upload(credential: String) throws -> HTTPResponse {
            var form = MultipartForm(fields: [("csrf", csrf), ("student", "S100100"), ("credential", credential), ("earned", "2026-01-06")])
            form.files = [("certificate", "ten-mebibytes.pdf", "application/pdf", tenMiB)]
            return try client.send(form.request(to: base + "/certificates/upload", headers: [cookie]))
        }
        _ = try upload(credential: "NOT-ALIGNED")
        figures.afterSpoolMiB = peakMiB()
        let started = DispatchTime.now().uptimeNanoseconds
        let validated = try upload(credential: "MOS-EXCEL")
        figures.tenMiBMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        guard String(decoding: validated.body, as: UTF8.self).contains("rejected") else {
            throw BenchError("the 10 MiB upload was not refused as a PDF (\(validated.status))")
        }
        figures.afterValidationMiB = peakMiB()

        // 1 GiB announced: the answer comes from the headers, before any of the body is sent.
        let port = UInt16(base.split(separator: ":").last!)!
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let began = DispatchTime.now().uptimeNanoseconds
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let headers = "POST /certificates/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: certgate_session=\(token)\r\n"
            + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: \(1 << 30)\r\n\r\n"
        _ = headers.withCString { send(descriptor, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        figures.refusedGiBMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6
        figures.refusedGiBStatus = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
        return figures
    }
}
