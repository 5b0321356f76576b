import CertGateCore
import Fetch
import Foundation
import MockProvider

/// The end-to-end scale run: a synthetic roster (with CTE enrollments) and a Certiport-style report
/// written as files, then `certgate roster import`, `certgate import` and `certgate pull` run as
/// their own processes, exactly as staff and cron run them, each measured for wall time and its
/// own peak memory.
struct ScaleBenchmark {
    let certgate: String
    let directory: String
    let database: String
    var people = SyntheticPeople(random: SeededRandom(seed: 7))
    var roster: [SyntheticPeople.Person] = []

    init(certgate: String, directory: String) {
        self.certgate = certgate
        self.directory = directory
        database = directory + "/scale.db"
    }

    static let schools = ["Central High School", "Westview High School", "Riverside Technical Academy"]
    static let exams = ["MO-100", "MO-200", "MO-300", "MO-400", "IC3-GS6-L1"]

    /// Writes the roster, its enrollments (nine in ten students in an aligned course both school
    /// years the report covers) and the report; returns their paths.
    mutating func writeFiles(students: Int, results: Int) throws -> (roster: String, enrollments: String, report: String) {
        roster = people.roster(count: students)
        let paths = (directory + "/scale-roster.csv", directory + "/scale-enrollments.csv", directory + "/scale-report.csv")
        try Self.write(paths.0) { out in
            out("Student ID,First Name,Middle Name,Last Name,Date of Birth,School,Grade,CTE Concentrator\r\n")
            for (index, person) in roster.enumerated() {
                out(CSVWriter.dataLine([
                    "S\(index)", person.first, person.middle ?? "", person.last, person.dateOfBirth.description,
                    Self.schools[index % 3], "\(9 + index % 4)", index % 3 == 0 ? "Y" : "N",
                ]))
            }
        }
        try Self.write(paths.1) { out in
            out("Student ID,School Year,Course Number,Course Name,Program,Teacher\r\n")
            for index in roster.indices where index % 10 != 0 {
                for year in ["2025-26", "2026-27"] {
                    out("S\(index),\(year),8207310,Digital Information Technology,Information Technology,\"Rivera, Ana\"\r\n")
                }
            }
        }
        try Self.write(paths.2) { out in
            out("Candidate ID,First Name,Last Name,Date of Birth,Exam Code,Exam Date,Score,Passing Score,Result,Proctor\r\n")
            for row in 0..<results {
                out(reportLine(row, month: row % 9 + 1))
            }
        }
        return paths
    }

    /// Another report of `results` rows, numbered from `firstRow` (new results for a database
    /// that holds the first report); returns its path.
    mutating func writeReport(_ name: String, results: Int, firstRow: Int) throws -> String {
        let path = directory + "/" + name
        try Self.write(path) { out in
            out("Candidate ID,First Name,Last Name,Date of Birth,Exam Code,Exam Date,Score,Passing Score,Result,Proctor\r\n")
            for row in firstRow..<(firstRow + results) { out(reportLine(row, month: row % 9 + 1)) }
        }
        return path
    }

    /// One report row: a noisy copy of a random roster student taking one of five exams.
    private mutating func reportLine(_ row: Int, month: Int) -> String {
        let index = Int.random(in: 0..<roster.count, using: &people.random)
        let typed = people.noisy(roster[index])
        let birth = typed.dateOfBirth.map { String(format: "%02d/%02d/%04d", $0.month, $0.day, $0.year) } ?? ""
        let taken = String(
            format: "%02d/%02d/2026 %02d:%02d:%02d %@", month, row % 28 + 1, row % 12 + 1, row % 60, (row / 60) % 60,
            row % 2 == 0 ? "AM" : "PM")
        return CSVWriter.dataLine([
            "cand\(index)", typed.first, typed.last, birth, Self.exams[row % Self.exams.count], taken,
            "\(600 + row % 350)", "700", row % 4 == 0 ? "Fail" : "Pass", "Brooks, Terrence",
        ])
    }

    private static func write(_ path: String, _ body: ((String) -> Void) throws -> Void) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw BenchError("cannot create \(path)") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var buffer = ""
        try body { text in
            buffer += text
            if buffer.utf8.count > 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        handle.write(Data(buffer.utf8))
        try handle.close()
    }

    /// Runs `certgate` on the scale database; fails the benchmark if it fails.
    /// - Parameter other: another database than the scale one.
    func certgate(_ arguments: [String], environment: [String: String] = [:], database other: String? = nil) throws
        -> (ChildProcess.Outcome, [String: Any])
    {
        let outcome = try ChildProcess.run(
            certgate, ["--db", other ?? database, "--config", "config", "--actor", "bench", "--format", "json"] + arguments,
            environment: environment, outputPath: directory + "/certgate-output.json")
        guard outcome.status == 0 else {
            throw BenchError("certgate \(arguments.joined(separator: " ")) failed (exit \(outcome.status)): \(outcome.output)")
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(outcome.output.utf8))) as? [String: Any] ?? [:]
        return (outcome, json)
    }

    /// Report pages served by a loopback server that takes `pageSeconds` to produce each page (as
    /// a provider's report API does), for a pull of `pages` pages of `rows` rows.
    /// - Parameter firstRow: where the rows' numbering starts, so two pulls bring different results.
    mutating func pageServer(pages: Int, rows: Int, pageSeconds: Double, firstRow: Int = 0) throws -> LoopbackServer {
        let header = "Candidate ID,First Name,Last Name,Date of Birth,Exam Code,Exam Date,Score,Passing Score,Result,Proctor\r\n"
        var bodies: [[UInt8]] = []
        for page in 0..<pages {
            let lines = (0..<rows).map { reportLine(firstRow + page * rows + $0, month: 10 + page % 3) }
            bodies.append(Array((header + lines.joined()).utf8))
        }
        let served = bodies
        return try LoopbackServer { request in
            let page = Int(request.queryItems["page"] ?? "") ?? 0
            guard (1...pages).contains(page) else { return MockResponse.text("no such page", status: 404) }
            return MockResponse(
                headers: [("Content-Type", "text/csv"), ("X-Total-Pages", "\(pages)")], body: served[page - 1],
                fault: pageSeconds > 0 ? .delay(seconds: pageSeconds) : nil)
        }
    }

    /// How long the server alone takes to hand out every page, fetched as the pull fetches them
    /// (the client's per-host limit, nothing parsed or stored): the floor for a pull.
    static func serverSeconds(_ server: LoopbackServer, pages: Int) -> Double {
        let client = HTTPClient()
        let requests = (1...pages).map { HTTPRequest.get(server.baseURL + "/certiport/exam-results?page=\($0)") }
        let start = DispatchTime.now().uptimeNanoseconds
        _ = client.sendAll(requests, maxConcurrent: 8)
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
