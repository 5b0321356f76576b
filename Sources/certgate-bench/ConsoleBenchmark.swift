import CertGateCore
import Console
import Dispatch
import Fetch
import Foundation
import Gateway
import Matching
import MockProvider
import Synchronization

/// The web console under load on loopback: the bundled mocks' district (roster, enrollments,
/// three weekly pulls), one account per role, `users` users each browsing `requestsPerUser`
/// pages at once with the others. Bounded in count; loopback only.
enum ConsoleBenchmark {
    struct Load {
        var requests = 0
        var failed = 0
        var medianMilliseconds = 0.0
        var p99Milliseconds = 0.0
        var seconds = 0.0
        /// The page with the highest p99, and that p99 in ms.
        var slowestPage = ("", 0.0)
    }

    struct Figures {
        /// One sign-in per role (each an scrypt verification), one after the other.
        var signInMilliseconds = 0.0
        /// The teachers' certificate uploads within the browsing load (multipart, stored, checked).
        var uploads = Load()
        /// Users pausing 0.5–1.5 s between pages, as people do.
        var browsing = Load()
        /// Users asking for the next page as soon as one arrives: the console's capacity.
        var stress = Load()
    }

    static let password = "bench password for the console"

    /// - Parameters:
    ///   - database: where (a PostgreSQL URL, say); by default a SQLite file in `directory`.
    ///   - during: work started when the browsing starts, and waited for after it (a pull).
    static func run(
        directory: String, users: Int, requestsPerUser: Int, database: String? = nil, during: (@Sendable () -> Void)? = nil
    ) throws -> Figures {
        let gateway = try Gateway(databaseLocation: database ?? directory + "/console.db", configDirectory: "config", actor: "bench")
        _ = try gateway.importRoster(rosterPath: "mocks/roster/roster.csv", enrollmentsPath: "mocks/roster/enrollments.csv")
        let player = CassettePlayer(cassettes: try Cassette.loadAll(directory: "mocks/feeds"))
        let feeds = try LoopbackServer(handler: player.respond)
        defer { feeds.stop() }
        var options = PullOptions()
        options.baseURLs = ["certiport": feeds.baseURL + "/certiport", "servsafe": feeds.baseURL + "/servsafe"]
        options.environment = ["CERTGATE_CERTIPORT_TOKEN": "bench", "CERTGATE_SERVSAFE_CLIENT_ID": "bench", "CERTGATE_SERVSAFE_CLIENT_SECRET": "bench"]
        for (since, until) in [("2026-01-05", "2026-01-11"), ("2026-01-08", "2026-01-18"), ("2026-01-15", "2026-01-25")] {
            options.since = CalendarDate(parsing: since)
            options.until = CalendarDate(parsing: until)
            _ = try gateway.pull(options)
        }
        let password = Self.password
        let accounts: [(String, [String])] = [
            ("coordinator", ["/", "/tasks", "/review", "/students/S100100", "/exports"]),
            ("lead", ["/", "/tasks", "/review", "/students/S100100"]),
            ("clerk", ["/", "/tasks", "/matches"]),
            ("teacher", ["/", "/tasks", "/students/S100100"]),
            ("auditor", ["/", "/tasks", "/students/S100102"]),
        ]
        let roles: [String: NewUser] = [
            "coordinator": NewUser(username: "coordinator", role: .cteCoordinator),
            "lead": NewUser(username: "lead", role: .schoolLead, schools: ["Central High School"]),
            "clerk": NewUser(username: "clerk", role: .dataClerk),
            "teacher": NewUser(username: "teacher", role: .cteTeacher, teacherName: "Rivera, Ana"),
            "auditor": NewUser(username: "auditor", role: .auditor),
        ]
        for (name, _) in accounts { try gateway.addUser(roles[name]!, password: password) }

        let app = ConsoleApp(gateway: gateway)
        var serverOptions = HTTPServer.Options()
        serverOptions.port = 0
        let server = try app.serve(serverOptions)
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        var clientOptions = HTTPClient.Options()
        clientOptions.followRedirects = false
        clientOptions.retry.maxAttempts = 1
        clientOptions.perHostConnections = users
        let client = HTTPClient(options: clientOptions)

        var figures = Figures()
        // One session per role (a sign-in is an scrypt verification, the console's one costly
        // request); the users of a role share it, as sessions are only looked up.
        var tokens: [String] = []
        let signInStart = DispatchTime.now().uptimeNanoseconds
        for (name, _) in accounts {
            let body = Array("username=\(name)&password=\(password.replacingOccurrences(of: " ", with: "+"))".utf8)
            let response = try client.send(
                HTTPRequest(method: .post, url: base + "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: body))
            guard let token = response.header("Set-Cookie")?.split(separator: ";").first?.split(separator: "=").last else {
                throw BenchError("console sign-in of \(name) failed (\(response.status))")
            }
            tokens.append(String(token))
        }
        figures.signInMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - signInStart) / 1e6 / Double(accounts.count)
        let sessions = tokens

        // The teachers upload a certificate every fifth request: the bundled PDF of one of
        // Rivera's students (stored once, then recognised as the same file), checks and all.
        let teacher = accounts.firstIndex { $0.0 == "teacher" }!
        let tasksPage = try client.send(HTTPRequest(url: base + "/tasks", headers: [("Cookie", "certgate_session=\(sessions[teacher])")]))
        let html = String(decoding: tasksPage.body, as: UTF8.self)
        guard let found = html.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression) else {
            throw BenchError("no CSRF token on the teacher's task page")
        }
        let csrf = String(html[found].dropFirst(#"name="csrf" value=""#.count).dropLast())
        var upload = MultipartForm(fields: [("csrf", csrf), ("student", "S100100"), ("credential", "MOS-EXCEL"), ("earned", "2026-01-06")])
        upload.files = [("certificate", "ava-obrien-mos-excel.pdf", "application/pdf",
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: "mocks/certificates/ava-obrien-mos-excel.pdf"))))]
        let uploadRequest = upload.request(to: base + "/certificates/upload", headers: [("Cookie", "certgate_session=\(sessions[teacher])")])
        let uploadLatencies = Mutex<[Double]>([])
        let uploadFailures = Atomic<Int>(0)

        /// Every user browses at once, one thread each, `requestsPerUser` pages in turn; with
        /// `uploading`, teachers upload every fifth time (timed apart from the pages).
        func load(pause: ClosedRange<Double>?, uploading: Bool = false) -> Load {
            let latencies = Mutex<[Double]>([])
            let byPage = Mutex<[String: [Double]]>([:])
            let failures = Atomic<Int>(0)
            let start = DispatchTime.now().uptimeNanoseconds
            let group = DispatchGroup()
            for user in 0..<users {
                group.enter()
                Thread {
                    defer { group.leave() }
                    var random = SplitMix64(seed: UInt64(user))
                    let token = sessions[user % accounts.count], pages = accounts[user % accounts.count].1
                    var local: [Double] = []
                    var localByPage: [String: [Double]] = [:]
                    for index in 0..<requestsPerUser {
                        if let pause { Thread.sleep(forTimeInterval: Double.random(in: pause, using: &random)) }
                        let began = DispatchTime.now().uptimeNanoseconds
                        if uploading && user % accounts.count == teacher && index % 5 == 4 {
                            let stored = (try? client.send(uploadRequest)).map { String(decoding: $0.body, as: UTF8.self) } ?? ""
                            if !stored.contains("stored as evidence") && !stored.contains("already stored") {
                                uploadFailures.add(1, ordering: .relaxed)
                            }
                            let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6
                            uploadLatencies.withLock { $0.append(milliseconds) }
                            continue
                        }
                        let request = HTTPRequest(url: base + pages[index % pages.count], headers: [("Cookie", "certgate_session=\(token)")])
                        if (try? client.send(request))?.status != 200 { failures.add(1, ordering: .relaxed) }
                        local.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6)
                        localByPage[pages[index % pages.count], default: []].append(local.last!)
                    }
                    latencies.withLock { $0 += local }
                    byPage.withLock { all in for (page, times) in localByPage { all[page, default: []] += times } }
                }.start()
            }
            group.wait()
            var load = summary(latencies.withLock { $0 }, failed: failures.load(ordering: .relaxed),
                seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            for (page, times) in byPage.withLock({ $0 }) {
                let p99 = summary(times, failed: 0, seconds: 0).p99Milliseconds
                if p99 > load.slowestPage.1 { load.slowestPage = (page, p99) }
            }
            return load
        }
        let background = during.map { work in Thread { work() } }
        background?.start()
        figures.browsing = load(pause: 0.5...1.5, uploading: true)
        while background?.isFinished == false { Thread.sleep(forTimeInterval: 0.1) }
        figures.uploads = summary(uploadLatencies.withLock { $0 }, failed: uploadFailures.load(ordering: .relaxed), seconds: figures.browsing.seconds)
        figures.stress = load(pause: nil)
        return figures
    }

    static func summary(_ latencies: [Double], failed: Int, seconds: Double) -> Load {
        let sorted = latencies.sorted()
        return Load(
            requests: sorted.count, failed: failed, medianMilliseconds: sorted.isEmpty ? 0 : sorted[sorted.count / 2],
            p99Milliseconds: sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))], seconds: seconds)
    }

    /// The console on a state's database (after the scale import): each page a coordinator and a
    /// school lead open, `repeats` times one after the other; the first time of each (nothing
    /// cached yet) and the median, in ms.
    static func pagesAtScale(database: String, repeats: Int = 5) throws -> [(page: String, first: Double, median: Double)] {
        let gateway = try Gateway(databaseLocation: database, configDirectory: "config", actor: "bench")
        let school = try gateway.tasks(limit: 1).first?.school ?? "School 1"
        try gateway.addUser(NewUser(username: "state-coordinator", role: .cteCoordinator), password: password)
        try gateway.addUser(NewUser(username: "state-lead", role: .schoolLead, schools: [school]), password: password)
        var options = HTTPServer.Options()
        options.port = 0
        let server = try ConsoleApp(gateway: gateway).serve(options)
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        var clientOptions = HTTPClient.Options()
        clientOptions.followRedirects = false
        clientOptions.retry.maxAttempts = 1
        clientOptions.timeout = 120
        let client = HTTPClient(options: clientOptions)
        let student = try gateway.tasks(TaskFilter(kind: .courseMismatch), limit: 1).first.flatMap { task in
            try gateway.attainments(id: Int(task.subjectID)).first?.studentID
        } ?? "S0000001"
        var figures: [(String, Double, Double)] = []
        for (username, pages) in [
            ("state-coordinator", ["/", "/tasks", "/tasks?kind=match_review&sort=school", "/tasks?page=200", "/review", "/matches", "/students/\(student)"]),
            ("state-lead", ["/", "/tasks", "/review"]),
        ] {
            let body = Array("username=\(username)&password=\(password.replacingOccurrences(of: " ", with: "+"))".utf8)
            let signIn = try client.send(
                HTTPRequest(method: .post, url: base + "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: body))
            guard let token = signIn.header("Set-Cookie")?.split(separator: ";").first?.split(separator: "=").last else {
                throw BenchError("sign-in of \(username) at scale failed")
            }
            for page in pages {
                var times: [Double] = []
                for _ in 0..<repeats {
                    let began = DispatchTime.now().uptimeNanoseconds
                    let response = try client.send(HTTPRequest(url: base + page, headers: [("Cookie", "certgate_session=\(token)")]))
                    guard response.status == 200 else { throw BenchError("\(page) at scale: \(response.status)") }
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6)
                }
                figures.append(("\(username == "state-lead" ? "lead" : "coordinator") \(page)", times[0], times.sorted()[times.count / 2]))
            }
        }
        return figures
    }
}
