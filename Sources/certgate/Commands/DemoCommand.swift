import AdapterKit
import CertGateCore
import Foundation
import Gateway
import MockProvider

/// `certgate demo`: the whole flow on the bundled mocks.
enum DemoCommand {
    static let spec = CommandSpec(
        path: ["demo"],
        summary: "run the whole flow on the bundled mocks (roster, then three weekly pulls)",
        options: [OptionSpec(name: "--mocks", valueName: "DIR", help: "the mocks folder (default ./mocks)")],
        details: """
            Loads the sample roster, starts the mock provider in-process on 127.0.0.1, and pulls
            every configured provider for the weeks listed in mocks/demo.json, printing what each
            pull stored. Credentials not set in the environment get placeholder values, which only
            the mock accepts.
            """,
        run: run)

    private struct Plan: Decodable {
        struct Week: Decodable {
            var since: String
            var until: String
        }
        var roster: String
        var enrollments: String
        var feeds: String
        var weeks: [Week]
    }

    static func run(_ invocation: Invocation) throws -> Int32 {
        let mocks = invocation.option("--mocks") ?? "mocks"
        let planPath = (mocks as NSString).appendingPathComponent("demo.json")
        guard let data = FileManager.default.contents(atPath: planPath) else {
            throw UsageError("cannot read \(planPath); run the demo from the CertGate folder or pass --mocks DIR")
        }
        let plan = try JSONDecoder().decode(Plan.self, from: data)
        func inMocks(_ path: String) -> String { (mocks as NSString).appendingPathComponent(path) }

        let gateway = try invocation.openGateway()
        invocation.print("== roster")
        let roster = try gateway.importRoster(rosterPath: inMocks(plan.roster), enrollmentsPath: inMocks(plan.enrollments))
        invocation.print(
            "students: \(roster.students.new) new, \(roster.students.updated) updated, \(roster.students.unchanged) unchanged; "
                + "enrollments: \(roster.enrollments?.rows ?? 0) rows")

        let player = CassettePlayer(cassettes: try Cassette.loadAll(directory: inMocks(plan.feeds)))
        let server = try LoopbackServer(handler: player.respond)
        defer { server.stop() }
        invocation.print("== mock provider on \(server.baseURL) (\(player.interactionCount) recorded interactions)")

        let providers = try ProviderCatalog.load(directory: invocation.globals.configDirectory).providers.filter(\.enabled)
        var options = PullOptions()
        for provider in providers {
            options.baseURLs[provider.id] = "\(server.baseURL)/\(provider.id)"
            for variable in [provider.auth.tokenEnv, provider.auth.userEnv, provider.auth.secretEnv].compactMap({ $0 })
            where options.environment[variable] == nil {
                options.environment[variable] = "demo-placeholder"
            }
        }
        var failed = false
        let progress = ProgressPrinter()
        for week in plan.weeks {
            options.since = CalendarDate(parsing: week.since)
            options.until = CalendarDate(parsing: week.until)
            invocation.print("== weekly pull \(week.since) to \(week.until)")
            let report = try gateway.pull(options) { progress.show($0) }
            progress.finish()
            IngestOutput.print(report, invocation)
            failed = failed || report.providers.contains { $0.status == .failed }
        }
        if !player.unmatched.isEmpty {
            invocation.printError("certgate: requests no cassette matched: \(player.unmatched.joined(separator: "; "))")
        }
        invocation.print("== certificate PDFs from a teacher's folder (mocks/certificates/manifest.csv; some rows are bad on purpose)")
        let intake = try gateway.importEvidence(
            directory: inMocks("certificates"), manifest: inMocks("certificates/manifest.csv")
        ) { done, total, message in invocation.print("  [\(done)/\(total)] \(message)") }
        invocation.print("  \(intake.stored) stored, \(intake.duplicates) already stored, \(intake.failed.count) refused")

        invocation.print("== a teacher's log (mocks/teacher-logs/rivera-2025-26.xlsx; some rows are bad on purpose), reconciled")
        let logs = try gateway.importTeacherLogs([inMocks("teacher-logs/rivera-2025-26.xlsx")])
        for file in logs.files {
            invocation.print("  \(file.name): \(file.new + file.updated + file.unchanged) claim(s), \(file.problems.count) row(s) refused")
            for problem in file.problems { invocation.print("    \(problem.location): \(problem.message)") }
        }
        for count in try gateway.reconcile(schoolYear: SchoolYear(startYear: 2025), school: nil).counts where count.teacher != nil {
            invocation.print(
                "  \(count.teacher ?? ""), \(count.school): \(count.claims) claim(s), \(count.verified) verified, \(count.conflicts) in conflict, "
                    + "\(count.evidenceMissing) missing evidence")
        }

        // A reviewer's part, simulated: attainments backed by a score report with no open task
        // are approved, so the export has something to show.
        let ready = try gateway.attainmentsReadyForReview()
        for id in ready {
            _ = try gateway.review(attainment: id, decision: .approve, method: .scoreReport, comment: "approved by the demo")
        }
        invocation.print("== review (simulated): \(ready.count) attainments with a score report and no open task approved")
        invocation.print("== open tasks by kind (certgate tasks lists them)")
        for (kind, count) in try gateway.taskCounts() { invocation.print("  \(kind.rawValue): \(count)") }
        let year = SchoolYear(startYear: 2025)
        invocation.print("== exports for \(year)")
        for format in [ExportFormat.perkins, .sisCSV, .floridaSurvey5] {
            let result = try gateway.export(format, year: year)
            let path = "certgate-\(format.rawValue)-\(year).\(format == .floridaSurvey5 ? "txt" : "csv")"
            try OwnerOnlyFile.write(result.text.utf8, to: path)
            invocation.print("  \(path): \(result.records) record(s), \(result.refused.count) not exported (listed by certgate export)")
        }
        invocation.print("database: \(invocation.globals.databaseLocation)")
        try demoAccounts(gateway, invocation)
        return failed ? 1 : 0
    }

    /// One sign-in per role for the console, on this demo database only, each with a new random
    /// password every time the demo runs.
    private static func demoAccounts(_ gateway: Gateway, _ invocation: Invocation) throws {
        let accounts = [
            NewUser(username: "demo-coordinator", role: .cteCoordinator),
            NewUser(username: "demo-lead", role: .schoolLead, schools: ["Central High School"]),
            NewUser(username: "demo-clerk", role: .dataClerk),
            NewUser(username: "demo-teacher", role: .cteTeacher, teacherName: "Rivera, Ana"),
            NewUser(username: "demo-auditor", role: .auditor),
        ]
        let existing = Set(try gateway.users().map(\.username))
        invocation.print("== web console: make serve (or certgate serve), then http://127.0.0.1:8080/ and sign in as")
        for account in accounts {
            let password = DemoPassword.make()
            if existing.contains(account.username) {
                try gateway.setPassword(account.username, password: password)
            } else {
                try gateway.addUser(account, password: password)
            }
            invocation.print("  \(account.username)  \(password)  (\(account.role.rawValue)\(account.teacherName.map { ", " + $0 } ?? "")\(account.schools.first.map { ", " + $0 } ?? ""))")
        }
        invocation.print("  (demo accounts only: new passwords each time the demo runs)")
    }
}

/// A readable random password for demo accounts: four groups of five letters and digits.
enum DemoPassword {
    static func make() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String((0..<5).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }) }
            .joined(separator: "-")
    }
}
