import CertGateCore
import Foundation
import Gateway
import MockProvider

/// The end-to-end scale run: a synthetic roster and Certiport-style report written as files,
/// then `roster import` and `import` exactly as staff would run them (parse, store, match,
/// checks), and a pull of many pages from the mock server.
enum ScaleBenchmark {
    struct Step {
        var name: String
        var rows: Int
        var seconds: Double
    }

    /// Writes the roster and the report; returns their paths.
    static func writeFiles(students: Int, results: Int, in directory: String) throws -> (roster: String, report: String) {
        var people = SyntheticPeople(random: SeededRandom(seed: 7))
        let roster = people.roster(count: students)
        let rosterPath = directory + "/scale-roster.csv"
        let reportPath = directory + "/scale-report.csv"
        let schools = ["Central High School", "Westview High School", "Riverside Technical Academy"]
        try write(rosterPath) { out in
            out("Student ID,First Name,Middle Name,Last Name,Date of Birth,School,Grade,CTE Concentrator\r\n")
            for (index, person) in roster.enumerated() {
                out(CSVWriter.line([
                    "S\(index)", person.first, person.middle ?? "", person.last, person.dateOfBirth.description,
                    schools[index % 3], "\(9 + index % 4)", index % 3 == 0 ? "Y" : "N",
                ]))
            }
        }
        let exams = ["MO-100", "MO-200", "MO-300", "MO-400", "IC3-GS6-L1"]
        try write(reportPath) { out in
            out("Candidate ID,First Name,Last Name,Date of Birth,Exam Code,Exam Date,Score,Passing Score,Result,Proctor\r\n")
            for row in 0..<results {
                let index = Int.random(in: 0..<roster.count, using: &people.random)
                let typed = people.noisy(roster[index])
                let day = row % 28 + 1, month = row % 9 + 1
                out(CSVWriter.line([
                    "cand\(index)", typed.first, typed.last, typed.dateOfBirth.map { String(format: "%02d/%02d/%04d", $0.month, $0.day, $0.year) } ?? "",
                    exams[row % exams.count], String(format: "%02d/%02d/2026 %02d:%02d AM", month, day, row % 12 + 1, row % 60),
                    "\(600 + row % 350)", "700", row % 4 == 0 ? "Fail" : "Pass", "Brooks, Terrence",
                ]))
            }
        }
        return (rosterPath, reportPath)
    }

    private static func write(_ path: String, _ body: ((String) -> Void) throws -> Void) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
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

    /// Serves `pages` report pages of `rows` rows each and pulls them.
    static func pull(pages: Int, rows: Int, gateway: Gateway) throws -> (IngestSummary, Double, Double) {
        var page = "Candidate ID,First Name,Last Name,Exam Code,Exam Date,Score,Passing Score,Result\r\n"
        for row in 0..<rows { page += "p\(row),Given\(row),Family\(row),MO-200,02/0\(row % 9 + 1)/2026 09:00 AM,750,700,Pass\r\n" }
        let pageBytes = Array(page.utf8)
        let server = try LoopbackServer { request in
            // Each page's rows get distinct candidate IDs from the page number.
            let number = request.queryItems["page"] ?? "1"
            let body = pageBytes.count > 0
                ? Array(String(decoding: pageBytes, as: UTF8.self).replacingOccurrences(of: "\r\np", with: "\r\np\(number)-").utf8)
                : pageBytes
            return MockResponse(headers: [("Content-Type", "text/csv"), ("X-Total-Pages", "\(pages)")], body: body)
        }
        defer { server.stop() }
        var options = PullOptions()
        options.providers = ["certiport"]
        options.since = CalendarDate(parsing: "2026-02-01")
        options.until = CalendarDate(parsing: "2026-02-28")
        options.baseURLs = ["certiport": server.baseURL + "/certiport"]
        options.environment = ["CERTGATE_CERTIPORT_TOKEN": "bench"]
        let start = Date()
        let report = try gateway.pull(options)
        let total = Date().timeIntervalSince(start)
        return (report.providers[0], report.providers[0].seconds, total)
    }
}
