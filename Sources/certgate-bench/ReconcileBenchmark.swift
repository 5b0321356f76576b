import CertGateCore
import Foundation

/// A 50-school district's year, reconciled as `certgate` does it: 5,000 students, 300 teachers
/// (six a school) each sending a log, 8,000 provider results; the logs repeat what the provider
/// says except for planted disagreements (a date a month off, a pass the provider failed, a
/// certificate with no result behind it). Times the results import, the logs import and
/// `certgate reconcile`, and checks that every planted disagreement is found and nothing else.
struct ReconcileBenchmark {
    struct Figures {
        var resultsImport = 0.0
        var logsImport = 0.0
        var reconcile = 0.0
        var claims = 0
        var planted = (dates: 0, failed: 0, missing: 0)
        var found = (conflicts: 0, missing: 0, verified: 0)
        var agreeing = 0
        var files = 0
        var peakMiB = 0.0
    }

    let certgate: String
    let directory: String

    static let exams = [("MO-100", "MOS-WORD"), ("MO-200", "MOS-EXCEL"), ("MO-300", "MOS-POWERPOINT"), ("MO-400", "MOS-OUTLOOK")]

    func run(schools: Int = 50, studentsPerSchool: Int = 100, teachersPerSchool: Int = 6, results: Int = 8000) throws -> Figures {
        let folder = directory + "/reconcile"
        let logs = folder + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        var people = SyntheticPeople(random: SeededRandom(seed: 2026))
        let students = people.roster(count: schools * studentsPerSchool)
        func school(_ index: Int) -> String { "School \(index / studentsPerSchool + 1)" }
        func teacher(_ index: Int) -> String { "Teacher\(index / studentsPerSchool + 1)-\(index % teachersPerSchool + 1), Pat" }
        var roster = "Student ID,State Student ID,First Name,Last Name,Date of Birth,School,Grade,CTE Concentrator\r\n"
        var enrollments = "Student ID,School Year,Course Number,Course Name,Program,Teacher\r\n"
        for (index, person) in students.enumerated() {
            roster += CSVWriter.dataLine(["S\(index)", "FL\(100_000_000 + index)", person.first, person.last, person.dateOfBirth.description, school(index), "11", "Y"])
            enrollments += CSVWriter.dataLine(["S\(index)", "2025-26", "8207310", "Digital Information Technology", "Information Technology", teacher(index)])
        }
        try roster.write(toFile: folder + "/roster.csv", atomically: true, encoding: .utf8)
        try enrollments.write(toFile: folder + "/enrollments.csv", atomically: true, encoding: .utf8)

        // Results: one attempt per student and exam at most (no retake rules in play), a fifth failed.
        var report = "Candidate ID,First Name,Last Name,Date of Birth,Student ID,Exam Code,Exam Date,Score,Passing Score,Result,Proctor\r\n"
        var logRows: [String: [String]] = [:]  // teacher → rows
        var figures = Figures()
        var taken = Set<String>()
        var row = 0
        while row < results {
            let index = Int.random(in: 0..<students.count, using: &people.random)
            let (exam, credential) = Self.exams[Int.random(in: 0..<Self.exams.count, using: &people.random)]
            guard taken.insert("\(index) \(exam)").inserted else { continue }
            let person = students[index]
            let day = CalendarDate(year: 2025, month: 9, day: 1)!.adding(days: row % 240)
            let passed = row % 5 != 0
            report += CSVWriter.dataLine([
                "cand\(index)", person.first, person.last, String(format: "%02d/%02d/%04d", person.dateOfBirth.month, person.dateOfBirth.day, person.dateOfBirth.year),
                "S\(index)", exam, String(format: "%02d/%02d/%04d 10:00 AM", day.month, day.day, day.year), passed ? "800" : "600", "700",
                passed ? "Pass" : "Fail", "Proctor, Pat",
            ])
            // Teachers log 5,000 of the passes; some of them wrongly.
            if passed && figures.claims < 5000 && row % 8 != 7 {
                var logged = day, outcome = "pass"
                switch figures.claims % 50 {
                case 7: logged = day.adding(days: 30); figures.planted.dates += 1
                default: figures.agreeing += 1
                }
                logRows[teacher(index), default: []].append(CSVWriter.dataLine(["FL\(100_000_000 + index)", "\(person.first) \(person.last)", credential, logged.description, outcome, teacher(index)]))
                figures.claims += 1
            } else if !passed && row % 10 == 5 && figures.claims < 5000 {
                // Logged as passed; the provider says failed.
                logRows[teacher(index), default: []].append(CSVWriter.dataLine(["FL\(100_000_000 + index)", "\(person.first) \(person.last)", credential, day.description, "pass", teacher(index)]))
                figures.claims += 1
                figures.planted.failed += 1
            }
            row += 1
        }
        // Certificates logged that no provider result or PDF backs (IC3, which no result has).
        for index in stride(from: 3, to: students.count, by: 100) where figures.claims < 5100 {
            logRows[teacher(index), default: []].append(
                CSVWriter.dataLine(["FL\(100_000_000 + index)", "\(students[index].first) \(students[index].last)", "IC3-DL1", "2026-02-02", "pass", teacher(index)]))
            figures.claims += 1
            figures.planted.missing += 1
        }
        try report.write(toFile: folder + "/results.csv", atomically: true, encoding: .utf8)
        var files: [String] = []
        for (name, rows) in logRows.sorted(by: { $0.key < $1.key }) {
            let path = logs + "/\(name.replacingOccurrences(of: ", ", with: "-")).csv"
            try ("State Student Number,Student Name,Certificate or Component Earned,Exam Date,Result,CTE Course Teacher\r\n" + rows.joined())
                .write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }

        let database = folder + "/reconcile.db"
        func run(_ arguments: [String]) throws -> ChildProcess.Outcome {
            let outcome = try ChildProcess.run(
                certgate, ["--db", database, "--config", "config", "--actor", "bench", "--format", "json"] + arguments,
                outputPath: folder + "/output.json")
            guard outcome.status == 0 || arguments.first == "logs" else { throw BenchError("certgate \(arguments.first ?? "") failed: \(outcome.output.prefix(300))") }
            return outcome
        }
        _ = try run(["roster", "import", folder + "/roster.csv", "--enrollments", folder + "/enrollments.csv"])
        figures.resultsImport = try run(["import", "--provider", "certiport", folder + "/results.csv"]).seconds
        // The 300 teachers' files in one run, as a clerk imports April's logs.
        let imported = try run(["logs", "import"] + files)
        figures.logsImport = imported.seconds
        figures.peakMiB = imported.peakMiB
        figures.files = files.count
        let reconciled = try run(["reconcile", "--school-year", "2025-26"])
        figures.reconcile = reconciled.seconds
        figures.peakMiB = max(figures.peakMiB, reconciled.peakMiB)
        guard let json = try JSONSerialization.jsonObject(with: Data(reconciled.output.utf8)) as? [String: Any],
            let counts = json["counts"] as? [[String: Any]]
        else { throw BenchError("certgate reconcile printed no report") }
        for count in counts where count["teacher"] != nil {
            figures.found.conflicts += (count["conflicts"] as? Int) ?? 0
            figures.found.missing += (count["evidence_missing"] as? Int) ?? 0
            figures.found.verified += (count["verified"] as? Int) ?? 0
        }
        return figures
    }
}
