import Foundation
import Gateway
import Store

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

    /// One result as printed in JSON.
    struct Row: Encodable {
        var id: Int
        var providerID: String
        var recordKey: String
        var candidateID: String?
        var examCode: String
        var attemptedAt: String
        var score: Double?
        var passingScore: Double?
        var outcome: String
        var certificateNumber: String?
        var studentID: String?
        var matchStatus: String?
        var matchMethod: String?
        var matchScore: Double?
        var matchProbability: Double?
        var matchReason: String?
        var fieldAgreement: [String: AnyCodable]?
        var candidates: [[String: AnyCodable]]?

        enum CodingKeys: String, CodingKey {
            case id, score, outcome, candidates
            case providerID = "provider_id", recordKey = "record_key", candidateID = "candidate_id", examCode = "exam_code"
            case attemptedAt = "attempted_at", passingScore = "passing_score", certificateNumber = "certificate_number"
            case studentID = "student_id", matchStatus = "match_status", matchMethod = "match_method", matchScore = "match_score"
            case matchProbability = "match_probability", matchReason = "match_reason", fieldAgreement = "field_agreement"
        }
    }

    static func run(_ invocation: Invocation) throws -> Int32 {
        let gateway = try invocation.openGateway()
        let provider = invocation.option("--provider")
        let unmatchedOnly = invocation.options["--unmatched"] != nil
        let rows = try gateway.database.read { transaction in
            try transaction.query(
                """
                SELECT r.id, r.provider_id, r.record_key, r.candidate_id, r.exam_code, r.attempted_at, r.score, r.passing_score,
                       r.outcome, r.certificate_number, m.student_id, m.status, m.method, m.score AS match_score,
                       m.probability AS match_probability, m.details
                FROM exam_results r LEFT JOIN matches m ON m.result_id = r.id
                WHERE (?1 IS NULL OR r.provider_id = ?1) AND (?2 = 0 OR m.status IS NULL OR m.status IN ('review', 'unmatched'))
                ORDER BY r.provider_id, r.attempted_at, r.id
                """, [provider, unmatchedOnly])
        }
        let results = rows.map(Self.row)
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

    private static func row(_ row: SQLRow) -> Row {
        var result = Row(
            id: row["id"].int ?? 0, providerID: row["provider_id"].string ?? "", recordKey: row["record_key"].string ?? "",
            candidateID: row["candidate_id"].string, examCode: row["exam_code"].string ?? "",
            attemptedAt: row["attempted_at"].string ?? "", score: row["score"].double, passingScore: row["passing_score"].double,
            outcome: row["outcome"].string ?? "", certificateNumber: row["certificate_number"].string,
            studentID: row["student_id"].string, matchStatus: row["status"].string, matchMethod: row["method"].string,
            matchScore: row["match_score"].double.map { ($0 * 10).rounded() / 10 },
            matchProbability: row["match_probability"].double.map { ($0 * 10_000).rounded() / 10_000 })
        if let details = row["details"].string,
            let object = try? JSONSerialization.jsonObject(with: Data(details.utf8)) as? [String: Any]
        {
            result.matchReason = object["reason"] as? String
            let candidates = (object["candidates"] as? [[String: Any]]) ?? []
            let chosen = candidates.first { $0["student_id"] as? String == result.studentID } ?? candidates.first
            result.fieldAgreement = (chosen?["fields"] as? [String: Any]).map { $0.mapValues(AnyCodable.init) }
            if result.matchStatus == "review" || result.matchStatus == "unmatched" {
                result.candidates = candidates.map { $0.mapValues(AnyCodable.init) }
            }
        }
        return result
    }

    private static func text(_ row: Row, _ column: String) -> String {
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
        case "match_status": return row.matchStatus ?? ""
        case "match_method": return row.matchMethod ?? ""
        case "match_score": return number(row.matchScore)
        case "match_probability": return row.matchProbability.map { String(format: "%.4f", $0) } ?? ""
        default: return ""
        }
    }
}

/// JSON read back from the database, written out again as it was.
struct AnyCodable: Encodable {
    let value: Any
    init(_ value: Any) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case let bool as Bool where type(of: value) == Bool.self: try container.encode(bool)
        case let number as NSNumber: try container.encode(number.doubleValue)
        case let text as String: try container.encode(text)
        case let array as [Any]: try container.encode(array.map(AnyCodable.init))
        case let object as [String: Any]: try container.encode(object.mapValues(AnyCodable.init))
        default: try container.encodeNil()
        }
    }
}
