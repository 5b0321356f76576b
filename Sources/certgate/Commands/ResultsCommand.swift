import Foundation
import Gateway

/// `certgate results`: the canonical results stored so far, with their match.
enum ResultsCommand {
    static let spec = CommandSpec(
        path: ["results"],
        summary: "list stored exam results and the student each is matched to",
        options: [
            OptionSpec(name: "--provider", valueName: "ID", help: "only this provider's results"),
            OptionSpec(name: "--unmatched", valueName: nil, help: "only results with no student yet (to review or unmatched)"),
        ],
        details: """
            match_status is matched (automatic), review (a person must choose), unmatched, confirmed
            (staff linked it) or rejected (staff said it is none of ours); match_method says which
            step decided (student_id, candidate_link, name_and_birth_date, probabilistic, staff).
            --format json adds each field's agreement and, for review, the candidates with scores.
            Names and dates of birth are not printed.
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        let results = try invocation.openGateway().results(
            provider: invocation.option("--provider"), undecided: invocation.options["--unmatched"] != nil)
        switch invocation.globals.format {
        case .json:
            invocation.print(Output.json(["results": results]))
        default:
            let columns = invocation.globals.format == .table
                ? ["id", "provider_id", "candidate_id", "exam_code", "attempted_at", "score", "outcome", "student_id", "match_status", "match_method", "match_probability"]
                : ["id", "provider_id", "record_key", "candidate_id", "exam_code", "attempted_at", "score", "passing_score", "outcome",
                   "certificate_number", "student_id", "match_status", "match_method", "match_score", "match_probability"]
            let output = Output(columns: columns, rows: results.map { result in columns.map { text(result, $0) } })
            invocation.print(output.render(invocation.globals.format))
        }
        return 0
    }

    private static func text(_ row: ResultListing, _ column: String) -> String {
        func number(_ value: Double?) -> String {
            guard let value else { return "" }
            return value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value)
        }
        switch column {
        case "id": return "\(row.id)"
        case "provider_id": return row.providerID
        case "record_key": return row.recordKey
        case "candidate_id": return row.candidateID ?? ""
        case "exam_code": return row.examCode
        case "attempted_at": return row.attemptedAt
        case "score": return number(row.score)
        case "passing_score": return number(row.passingScore)
        case "outcome": return row.outcome
        case "certificate_number": return row.certificateNumber ?? ""
        case "student_id": return row.studentID ?? ""
        case "match_status": return row.matchStatus?.rawValue ?? ""
        case "match_method": return row.matchMethod ?? ""
        case "match_score": return number(row.matchScore)
        case "match_probability": return row.matchProbability.map { String(format: "%.4f", $0) } ?? ""
        default: return ""
        }
    }
}
