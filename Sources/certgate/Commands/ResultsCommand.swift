import Gateway
import Store

/// `certgate results`: the canonical results stored so far.
enum ResultsCommand {
    static let spec = CommandSpec(
        path: ["results"],
        summary: "list stored exam results",
        options: [OptionSpec(name: "--provider", valueName: "ID", help: "only this provider's results")],
        details: "Lists results by provider, attempt time and candidate ID. Names and dates of birth are not printed.",
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        let gateway = try invocation.openGateway()
        let provider = invocation.option("--provider")
        let rows = try gateway.database.read { transaction in
            try transaction.query(
                """
                SELECT id, provider_id, record_key, candidate_id, exam_code, attempted_at, score, passing_score, outcome,
                       certificate_number, source_feed, source_page, source_record
                FROM exam_results WHERE ?1 IS NULL OR provider_id = ?1 ORDER BY provider_id, attempted_at, id
                """, [provider])
        }
        func text(_ value: SQLValue) -> String {
            switch value {
            case .null: ""
            case .integer(let number): "\(number)"
            case .real(let number): number == number.rounded() ? "\(Int(number))" : "\(number)"
            case .text(let text): text
            case .blob: "<blob>"
            }
        }
        let columns = [
            "id", "provider_id", "record_key", "candidate_id", "exam_code", "attempted_at", "score", "passing_score", "outcome",
            "certificate_number", "source_feed", "source_page", "source_record",
        ]
        let shown = invocation.globals.format == .table ? [0, 1, 3, 4, 5, 6, 7, 8] : Array(columns.indices)
        let output = Output(columns: shown.map { columns[$0] }, rows: rows.map { row in shown.map { text(row[$0]) } })
        invocation.print(output.render(invocation.globals.format))
        return 0
    }
}
