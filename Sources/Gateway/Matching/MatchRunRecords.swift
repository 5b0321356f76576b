public import Matching
import Foundation
import Store

/// A matching run as `certgate match parameters` shows it: what it learned and from what.
public struct MatchRunRecord: Sendable, Codable {
    public var id: Int
    public var startedAt: String
    public var actor: String
    public var scope: String
    public var rosterSize: Int
    public var parameters: MatchParameters
    public var training: TrainingReport
    /// Decisions that still carry this run's parameters.
    public var decisions: Int

    enum CodingKeys: String, CodingKey {
        case id, actor, scope, parameters, training, decisions
        case startedAt = "started_at", rosterSize = "roster_size"
    }
}

extension Gateway {
    /// A matching run (the latest when `id` is nil); nil when there is none.
    public func matchRun(id: Int? = nil) throws -> MatchRunRecord? {
        try database.read { transaction in
            let rows = try transaction.query(
                """
                SELECT id, started_at, actor, scope, roster_size, parameters, training,
                       (SELECT COUNT(*) FROM matches WHERE run_id = match_runs.id) AS decisions
                FROM match_runs WHERE (? IS NULL OR id = ?) ORDER BY id DESC LIMIT 1
                """, [id, id])
            guard let row = rows.first else { return nil }
            let decoder = JSONDecoder()
            return MatchRunRecord(
                id: row["id"].int ?? 0, startedAt: row["started_at"].string ?? "", actor: row["actor"].string ?? "",
                scope: row["scope"].string ?? "", rosterSize: row["roster_size"].int ?? 0,
                parameters: try decoder.decode(MatchParameters.self, from: Data((row["parameters"].string ?? "").utf8)),
                training: try decoder.decode(TrainingReport.self, from: Data((row["training"].string ?? "").utf8)),
                decisions: row["decisions"].int ?? 0)
        }
    }
}
