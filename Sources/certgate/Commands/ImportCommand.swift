import Gateway

/// `certgate import --provider ID FILE`: a report exported from a portal by hand.
enum ImportCommand {
    static let spec = CommandSpec(
        path: ["import"],
        summary: "import a provider report exported by hand",
        positionals: ["FILE"],
        options: [OptionSpec(name: "--provider", valueName: "ID", help: "the provider whose report this is (required)")],
        details: """
            The file is read exactly as a pull reads the provider's feed: a Certiport-style CSV
            report, or a ServSafe-style session export (JSON). Results already stored are updated,
            never duplicated; rows that cannot be read are kept as rejected records.
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        guard let provider = invocation.option("--provider") else { throw UsageError("--provider ID is required") }
        let progress = ProgressPrinter()
        let report = try invocation.openGateway().importFile(provider: provider, path: invocation.positionals[0]) {
            progress.show($0)
        }
        progress.finish()
        IngestOutput.print(report, invocation)
        return 0
    }
}
