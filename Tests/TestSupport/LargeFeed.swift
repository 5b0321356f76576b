import Foundation

/// A large Certiport-style feed written as a cassette: `pages` pages of `rows` results each, for
/// the crash-safety tests. Every row is a different candidate, so every row is stored.
public enum LargeFeed {
    /// Writes `cassette.json` and the pages into `directory`; the feed answers any date window.
    public static func write(to directory: String, pages: Int, rows: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var interactions: [String] = []
        for page in 1...pages {
            var csv = "Candidate ID,First Name,Last Name,Date of Birth,Exam Code,Exam Date,Score,Passing Score,Result\r\n"
            for row in 0..<rows {
                let n = (page - 1) * rows + row
                csv += "cand\(n),Given\(n % 977),Family\(n % 1013),\(n % 12 + 1)/\(n % 28 + 1)/2009,MO-\(100 * (n % 4 + 1)),"
                csv += "01/\(n % 20 + 5)/2026 \(n % 12 + 1):\(n % 50 + 10) AM,\(600 + n % 300),700,\(n % 3 == 0 ? "Fail" : "Pass")\r\n"
            }
            try csv.write(toFile: "\(directory)/page\(page).csv", atomically: true, encoding: .utf8)
            interactions.append(
                #"{"request": {"path": "/certiport/exam-results", "query": {"page": "\#(page)"}}, "#
                    + #""responses": [{"headers": {"Content-Type": "text/csv", "X-Total-Pages": "\#(pages)"}, "body_file": "page\#(page).csv"}]}"#)
        }
        try ("{\"interactions\": [" + interactions.joined(separator: ",\n") + "]}")
            .write(toFile: "\(directory)/cassette.json", atomically: true, encoding: .utf8)
    }
}
