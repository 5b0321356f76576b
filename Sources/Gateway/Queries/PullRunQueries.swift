import Foundation
import Store

/// One provider pull as the console's pulls page and dashboard show it.
public struct PullRunListing: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable { case running, succeeded, failed }

    public var id: Int
    public var providerID: String
    public var startedAt: String
    public var finishedAt: String?
    public var status: Status
    public var fetched: Int
    public var new: Int
    public var updated: Int
    public var rejected: Int
    /// Why it failed (no personal data: provider errors name pages and HTTP statuses).
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case id, status, fetched, new, updated, rejected, error
        case providerID = "provider_id", startedAt = "started_at", finishedAt = "finished_at"
    }
}

extension Gateway {
    /// The latest pulls, newest first.
    public func pullRuns(limit: Int = 100) throws -> [PullRunListing] {
        try database.read { transaction in
            try transaction.query(
                """
                SELECT id, provider_id, started_at, finished_at, status, fetched, new, updated, rejected, error
                FROM pull_runs ORDER BY id DESC LIMIT ?
                """, [limit]
            ).compactMap { row in
                guard let status = row[4].string.flatMap(PullRunListing.Status.init) else { return nil }
                return PullRunListing(
                    id: row[0].int ?? 0, providerID: row[1].string ?? "", startedAt: row[2].string ?? "", finishedAt: row[3].string,
                    status: status, fetched: row[5].int ?? 0, new: row[6].int ?? 0, updated: row[7].int ?? 0, rejected: row[8].int ?? 0,
                    error: row[9].string)
            }
        }
    }
}
