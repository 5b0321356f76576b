import Gateway

/// `certgate pull`: the weekly job.
enum PullCommand {
    static let spec = CommandSpec(
        path: ["pull"],
        summary: "fetch new results from providers (the weekly job)",
        options: [
            OptionSpec(name: "--provider", valueName: "ID", help: "only this provider (repeatable; default every enabled one)", repeats: true),
            OptionSpec(name: "--since", valueName: "YYYY-MM-DD", help: "start here instead of at the stored cursor"),
            OptionSpec(name: "--until", valueName: "YYYY-MM-DD", help: "end here instead of today (backfills)"),
            OptionSpec(name: "--base-url", valueName: "ID=URL", help: "another server for a provider, this run only (a mock)", repeats: true),
        ],
        details: """
            Each provider is fetched from where its last successful pull ended, less a few days of
            overlap (overlap_days in config) so late results are caught. Everything a provider sends
            is stored in one transaction; re-running a pull stores nothing twice. A provider that
            fails (bad credentials, an HTML login page, a truncated or malformed feed) leaves its
            cursor and data as they were, and the other providers still run. Exit status 1 when
            any provider failed. Credentials come from the environment variables named in config.
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        var options = PullOptions()
        options.providers = invocation.values("--provider")
        options.since = try invocation.date("--since")
        options.until = try invocation.date("--until")
        options.baseURLs = try invocation.baseURLs()
        let gateway = try invocation.openGateway()
        let progress = ProgressPrinter()
        let report = try gateway.pull(options) { progress.show($0) }
        progress.finish()
        IngestOutput.print(report, invocation)
        return report.providers.allSatisfy { $0.status == .succeeded } ? 0 : 1
    }
}

/// Summaries of pulls and imports, in every output format.
enum IngestOutput {
    static func print(_ report: PullReport, _ invocation: Invocation) {
        let summaries = report.providers
        let rows = summaries.map { summary in
            [
                summary.provider, summary.status.rawValue, summary.from ?? "", summary.to ?? "", "\(summary.fetched)",
                "\(summary.new)", "\(summary.updated)", "\(summary.unchanged)", "\(summary.rejected)",
                String(format: "%.2f", summary.seconds),
            ]
        }
        let output = Output(
            columns: ["provider", "status", "from", "to", "fetched", "new", "updated", "unchanged", "rejected", "seconds"],
            rows: rows)
        invocation.print(output.render(invocation.globals.format, json: report))
        if invocation.globals.format == .table {
            let matching = report.matching
            invocation.print(
                "matching: \(matching.considered) results considered: \(matching.matched) matched, \(matching.review) to review, "
                    + "\(matching.unmatched) unmatched")
            let checks = report.checks
            let looked = checks.scope == "changed" ? "the changed results and their students" : "everything"
            invocation.print(
                "checks of \(looked): attainments \(checks.attainmentsCreated) created, \(checks.attainmentsRemoved) removed; "
                    + "tasks \(checks.tasksOpened) opened, \(checks.tasksResolved) resolved")
            invocation.print("audit head: \(report.auditHead) (keep it; certgate audit verify --head \(report.auditHead) proves the trail still extends it)")
        }
        for summary in summaries {
            if let error = summary.error { invocation.printError("certgate: \(summary.provider) failed: \(error)") }
        }
    }
}
