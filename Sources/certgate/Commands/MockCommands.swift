import Foundation
import Gateway
import MockProvider

#if canImport(Glibc)
    import Glibc
#endif

/// `certgate mock serve [DIR] [--port N]`: replays recorded feeds on 127.0.0.1.
enum MockServeCommand {
    static let spec = CommandSpec(
        path: ["mock", "serve"],
        summary: "replay recorded provider feeds (cassettes) on 127.0.0.1",
        positionals: ["[DIR]"],
        options: [OptionSpec(name: "--port", valueName: "N", help: "the port (default: any free port)")],
        details: """
            Serves every cassette under DIR (default mocks/feeds) until interrupted, printing its
            base URL first. Point a pull at it with --base-url, e.g.
              certgate pull --base-url certiport=http://127.0.0.1:PORT/certiport
            Each request is logged to stderr with the status it got; a request no cassette
            matches gets a 404 saying so. The cassette format is in mocks/README.md.
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        let directory = invocation.positionals.first ?? "mocks/feeds"
        var port: UInt16 = 0
        if let text = invocation.option("--port") {
            guard let value = UInt16(text) else { throw UsageError("--port must be a number from 0 to 65535") }
            port = value
        }
        // Block the stop signals before any thread starts, so only `sigwait` below receives them.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let player = CassettePlayer(cassettes: try Cassette.loadAll(directory: directory))
        let server = try LoopbackServer(port: port) { request in
            let response = player.respond(request)
            let query = request.query.map { "?\($0)" } ?? ""
            FileHandle.standardError.write(Data("\(request.method) \(request.path)\(query) -> \(response.status)\n".utf8))
            return response
        }
        invocation.print("mock provider: \(player.interactionCount) interactions from \(directory)")
        invocation.print("base URL: \(server.baseURL)")
        var received: Int32 = 0
        sigwait(&signals, &received)
        server.stop()
        let unmatched = player.unmatched
        if !unmatched.isEmpty { invocation.printError("certgate: \(unmatched.count) request(s) matched no cassette") }
        return 0
    }
}

/// `certgate mock record --provider ID --out DIR`: turns a real pull into a shareable cassette.
enum MockRecordCommand {
    static let spec = CommandSpec(
        path: ["mock", "record"],
        summary: "record a provider's feed as a cassette, with personal data pseudonymized",
        options: [
            OptionSpec(name: "--provider", valueName: "ID", help: "the provider to record (required)"),
            OptionSpec(name: "--out", valueName: "DIR", help: "where to write the cassette (required)"),
            OptionSpec(name: "--since", valueName: "YYYY-MM-DD", help: "start here instead of at the stored cursor"),
            OptionSpec(name: "--until", valueName: "YYYY-MM-DD", help: "end here instead of today"),
            OptionSpec(name: "--base-url", valueName: "ID=URL", help: "another server for the provider", repeats: true),
        ],
        details: """
            Fetches through the provider's adapter exactly as a pull does, but stores nothing:
            the traffic is written to DIR as cassette.json and body files. Names, emails, dates of
            birth, candidate and student IDs, proctors and certificate codes are replaced by
            consistent pseudonyms (the same person gets the same fake everywhere); tokens are
            replaced and no request header or body (credentials) is written.
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        guard let provider = invocation.option("--provider") else { throw UsageError("--provider ID is required") }
        guard let directory = invocation.option("--out") else { throw UsageError("--out DIR is required") }
        var options = PullOptions()
        options.since = try invocation.date("--since")
        options.until = try invocation.date("--until")
        options.baseURLs = try invocation.baseURLs()
        let summary = try invocation.openGateway().recordCassette(provider: provider, options: options, to: directory)
        let output = Output(
            columns: ["provider", "exchanges", "documents", "results", "rejected", "directory"],
            rows: [
                [
                    summary.provider, "\(summary.exchanges)", "\(summary.documents)", "\(summary.results)", "\(summary.rejected)",
                    summary.directory,
                ]
            ])
        invocation.print(output.render(invocation.globals.format, json: summary))
        return 0
    }
}
