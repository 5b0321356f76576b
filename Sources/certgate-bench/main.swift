// `make bench`: measures the CSV reader, the roster import and the libcurl client on this machine.
// Figures are printed, never asserted: speed is shown here, not in tests.
import CertGateCore
import Fetch
import Foundation
import Gateway
import Matching
import MockProvider

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments
func argument(_ name: String, default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let number = Int(arguments[index + 1])
    else { return value }
    return number
}
let studentCount = argument("--students", default: 200_000)
let pageCount = argument("--pages", default: 400)
let matchScale = argument("--match-scale", default: 1)  // 0 skips the 1,000,000 × 500,000 run
let scaleRows = argument("--scale-rows", default: 1_000_000)  // 0 skips the end-to-end scale run
let scaleStudents = argument("--scale-students", default: 500_000)
let scalePages = argument("--scale-pages", default: 1000)

/// Peak resident memory of this process so far, in MiB.
func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func measure<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

var rows: [(String, String, String)] = []
@MainActor func report(_ what: String, _ figure: String, _ detail: String = "") {
    rows.append((what, figure, detail))
    print("  \(what): \(figure) \(detail)")
}

let directory = NSTemporaryDirectory() + "certgate-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

print("matcher (synthetic names and dates of birth only; noise model in Sources/certgate-bench/SyntheticPeople.swift)")
do {
    let settings = try MatchSettings.load(path: "config/matching.json")
    let nicknames = try NicknameTable.load(path: "config/nicknames.json")
    var runs = [(50_000, 10_000)]
    if matchScale > 0 { runs.append((500_000, 1_000_000)) }
    for (students, results) in runs {
        let figures = MatchingBenchmark.run(
            students: students, results: results, seed: 2026, settings: settings, nicknames: nicknames,
            debug: arguments.contains("--match-debug"))
        let label = "match \(results) results × \(students) students"
        report(
            label + ": quality",
            String(format: "precision %.3f%%, recall %.2f%%", figures.precision * 100, figures.recall * 100),
            String(
                format: "(auto or right candidate in review %.2f%%; review %.2f%%, unmatched %.2f%% of results)",
                figures.coverage * 100, Double(figures.review) / Double(figures.results) * 100,
                Double(figures.unmatched) / Double(figures.results) * 100))
        report(
            label + ": speed", String(format: "%.2f s", figures.seconds),
            String(format: "(index and match; %d pairs compared, %.1f per result; peak memory so far %.0f MiB)",
                figures.pairs, Double(figures.pairs) / Double(results), peakMemoryMiB()))
    }
}

// 1. A synthetic roster, written as an SIS would: quoted fields, accents, CRLF.
print("generating a roster of \(studentCount) students…")
let rosterPath = directory + "/roster.csv"
do {
    let firstNames = ["Ana", "José", "Mary Kate", "Liam", "Zoë", "DeShawn", "Ngọc", "William"]
    let lastNames = ["O'Brien", "García-López", "\"Smith, Jr.\"", "Nguyen", "Kim", "Patel", "Müller", "Johnson"]
    var text = "Student ID,State Student ID,First Name,Middle Name,Last Name,Date of Birth,Email,School,Grade,CTE Concentrator\r\n"
    text.reserveCapacity(studentCount * 110)
    for index in 0..<studentCount {
        let first = firstNames[index % 8], last = lastNames[(index / 8) % 8]
        text += "S\(index),FL\(100_000_000 + index),\(first),,\(last),\(index % 12 + 1)/\(index % 28 + 1)/\(2007 + index % 4),"
        text += "s\(index)@students.example.org,School \(index % 40),\(9 + index % 4),\(index % 3 == 0 ? "Y" : "N")\r\n"
    }
    try text.write(toFile: rosterPath, atomically: false, encoding: .utf8)
}
let rosterBytes = (try FileManager.default.attributesOfItem(atPath: rosterPath)[.size] as? Int) ?? 0

print("CSV reader")
let (records, parseSeconds) = try measure { () throws -> Int in
    let reader = try CSVReader(path: rosterPath)
    var count = 0
    while try reader.next() != nil { count += 1 }
    return count
}
report(
    "csv parse", String(format: "%.0f rows/s", Double(records) / parseSeconds),
    String(format: "(%.1f MiB/s, %d rows in %.2f s)", Double(rosterBytes) / 1_048_576 / parseSeconds, records, parseSeconds))

print("roster import (parse, validate, store in SQLite)")
let gateway = try Gateway(databasePath: directory + "/bench.db", configDirectory: "config", actor: "bench")
let (firstImport, importSeconds) = try measure { try gateway.importRoster(rosterPath: rosterPath) }
report(
    "roster import, new", String(format: "%.0f students/s", Double(firstImport.students.rows) / importSeconds),
    String(format: "(%d in %.2f s)", firstImport.students.rows, importSeconds))
let (again, reimportSeconds) = try measure { try gateway.importRoster(rosterPath: rosterPath) }
report(
    "roster re-import, unchanged", String(format: "%.0f students/s", Double(again.students.rows) / reimportSeconds),
    String(format: "(%d unchanged in %.2f s)", again.students.unchanged, reimportSeconds))
let databaseBytes = (try FileManager.default.attributesOfItem(atPath: directory + "/bench.db")[.size] as? Int) ?? 0
report("database size", String(format: "%.1f MiB", Double(databaseBytes) / 1_048_576))

print("HTTP client over loopback")
let page = [UInt8](repeating: UInt8(ascii: "x"), count: 256 * 1024)
let server = try LoopbackServer { _ in MockResponse(headers: [("Content-Type", "text/csv")], body: page) }
let client = HTTPClient()
let (_, sequentialSeconds) = try measure {
    for index in 0..<pageCount { _ = try client.send(.get(server.baseURL + "/exam-results?page=\(index)")) }
}
report(
    "sequential GET, 256 KiB pages", String(format: "%.0f requests/s", Double(pageCount) / sequentialSeconds),
    String(format: "(%.0f MiB/s, %d connection(s) for %d requests)", Double(pageCount) / 4 / sequentialSeconds,
        server.connectionCount, pageCount))
let requests = (0..<pageCount).map { HTTPRequest.get(server.baseURL + "/score-list/\($0)") }
let (results, parallelSeconds) = measure { client.sendAll(requests, maxConcurrent: 8) }
let failures = results.filter { if case .failure = $0 { true } else { false } }.count
report(
    "parallel GET (4 per host)", String(format: "%.0f requests/s", Double(pageCount) / parallelSeconds),
    String(format: "(%.0f MiB/s, %d failed)", Double(pageCount) / 4 / parallelSeconds, failures))
server.stop()

print("weekly pulls of the bundled mocks (3 weeks, both providers, over loopback)")
do {
    let player = CassettePlayer(cassettes: try Cassette.loadAll(directory: "mocks/feeds"))
    let mockServer = try LoopbackServer(handler: player.respond)
    let pulls = try Gateway(databasePath: directory + "/pulls.db", configDirectory: "config", actor: "bench")
    var options = PullOptions()
    options.baseURLs = ["certiport": mockServer.baseURL + "/certiport", "servsafe": mockServer.baseURL + "/servsafe"]
    options.environment = [
        "CERTGATE_CERTIPORT_TOKEN": "bench", "CERTGATE_SERVSAFE_CLIENT_ID": "bench", "CERTGATE_SERVSAFE_CLIENT_SECRET": "bench",
    ]
    for (since, until) in [("2026-01-05", "2026-01-11"), ("2026-01-08", "2026-01-18"), ("2026-01-15", "2026-01-25")] {
        options.since = CalendarDate(parsing: since)
        options.until = CalendarDate(parsing: until)
        let (pullReport, seconds) = try measure { try pulls.pull(options) }
        let stored = pullReport.providers.map { "\($0.provider) \($0.new) new/\($0.updated) updated" }.joined(separator: ", ")
        report("weekly pull \(since)", String(format: "%.2f s", seconds), "(\(stored); includes the feeds' 503 and 429 waits)")
    }
    mockServer.stop()
}

if scaleRows > 0 {
    print("end to end: \(scaleRows)-row report, \(scaleStudents)-student roster, \(scalePages)-page pull")
    let (rosterFile, reportFile) = try ScaleBenchmark.writeFiles(students: scaleStudents, results: scaleRows, in: directory)
    let scale = try Gateway(databasePath: directory + "/scale.db", configDirectory: "config", actor: "bench")
    let (rosterSummary, rosterSeconds) = try measure { try scale.importRoster(rosterPath: rosterFile) }
    report("scale: roster import", String(format: "%.1f s", rosterSeconds), "(\(rosterSummary.students.rows) students)")
    let (imported, importSeconds) = try measure { try scale.importFile(provider: "certiport", path: reportFile) }
    let stored = imported.providers[0]
    report(
        "scale: report import (parse, store, match, checks)", String(format: "%.1f s", importSeconds),
        String(format: "(%d rows, %.0f rows/s; parse and store %.1f s, match %.1f s, checks %.1f s; %d matched, %d review, %d unmatched; %d attainments; peak memory so far %.0f MiB)",
            stored.fetched, Double(stored.fetched) / importSeconds, stored.seconds, imported.matching.seconds, imported.checks.seconds,
            imported.matching.matched, imported.matching.review, imported.matching.unmatched, imported.checks.attainmentsCreated,
            peakMemoryMiB()))
    let (summary, storeSeconds, pullSeconds) = try ScaleBenchmark.pull(pages: scalePages, rows: 100, gateway: scale)
    report(
        "scale: pull of \(scalePages) pages × 100 rows", String(format: "%.1f s", pullSeconds),
        String(format: "(fetch and store %.1f s, %.0f pages/s; %d new)", storeSeconds, Double(scalePages) / storeSeconds, summary.new))
    let size = (try FileManager.default.attributesOfItem(atPath: directory + "/scale.db")[.size] as? Int) ?? 0
    report("scale: database size", String(format: "%.0f MiB", Double(size) / 1_048_576))
}

report("peak memory", String(format: "%.0f MiB", peakMemoryMiB()))

print("\n| measure | figure | detail |\n|---|---|---|")
for (what, figure, detail) in rows { print("| \(what) | \(figure) | \(detail) |") }
