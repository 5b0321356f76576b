import AdapterKit
import CertGateCore
import Foundation
import Store

/// Parses fetched documents and stores them in one transaction: results upserted, bad rows kept
/// as rejected records, the provider's cursor moved (for pulls), a run recorded and audited. If
/// anything throws, the transaction rolls back and the database is as it was.
struct Ingest {
    let database: Database
    let actor: String

    /// What the parsing thread hands over.
    enum Item: Sendable {
        case result(ResultRecords.Prepared)
        case rejected(RejectedRecord)
    }

    /// - Parameters:
    ///   - cursor: the day to store as the provider's cursor; nil leaves it.
    ///   - action: `pull` or `import`, for the audit trail.
    ///   - progress: called with the number of records stored so far, every 100,000.
    func store(
        _ documents: [FeedDocument], adapter: any ProviderAdapter, provider: ProviderSettings, cursor: CalendarDate?,
        action: String, summary: inout IngestSummary, progress: (Int) -> Void = { _ in }
    ) throws {
        let now = Timestamp.string(Date())
        var counts = summary
        try database.write { transaction in
            try transaction.execute(
                """
                INSERT INTO providers (provider_id, style, name) VALUES (?, ?, ?)
                ON CONFLICT (provider_id) DO UPDATE SET style = excluded.style, name = excluded.name
                """, [provider.id, provider.style, provider.name])
            let parsed = Pipeline<Item> { emit in
                for document in documents {
                    try adapter.parse(document) { record in
                        switch record {
                        case .result(let result): try emit(.result(ResultRecords.Prepared(result)))
                        case .rejected(let rejected): try emit(.rejected(rejected))
                        }
                    }
                }
            }
            do {
                while let batch = try parsed.next() {
                    var results: [ResultRecords.Prepared] = []
                    for item in batch {
                        switch item {
                        case .result(let result): results.append(result)
                        case .rejected(let rejected):
                            counts.rejected += 1
                            try ResultRecords.reject(rejected, provider: provider.id, transaction, now: now)
                        }
                    }
                    for outcome in try ResultRecords.upsert(results, transaction, actor: actor, now: now) {
                        switch outcome {
                        case .new: counts.new += 1
                        case .updated: counts.updated += 1
                        case .unchanged: counts.unchanged += 1
                        }
                    }
                    let before = counts.fetched
                    counts.fetched += batch.count
                    if before / 100_000 != counts.fetched / 100_000 { progress(counts.fetched / 100_000 * 100_000) }
                }
            } catch {
                parsed.cancel()
                throw error
            }
            counts.documents += documents.count
            if let cursor {
                try transaction.execute(
                    """
                    INSERT INTO pull_cursors (provider_id, cursor, last_success_at) VALUES (?, ?, ?)
                    ON CONFLICT (provider_id) DO UPDATE SET cursor = excluded.cursor, last_success_at = excluded.last_success_at
                    """, [provider.id, cursor.description, now])
                counts.cursor = cursor.description
            }
            counts.status = .succeeded
            try Self.recordRun(counts, transaction, now: now)
            try AuditLog.append(
                transaction, actor: actor, action: "\(action).\(provider.id)", subjectType: "provider", subjectID: provider.id,
                after: Self.json(counts))
        }
        summary = counts
    }

    static func recordRun(_ summary: IngestSummary, _ transaction: Transaction, now: String) throws {
        try transaction.execute(
            """
            INSERT INTO pull_runs (provider_id, started_at, finished_at, status, fetched, new, updated, unchanged, rejected, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                summary.provider, now, now, summary.status.rawValue, summary.fetched, summary.new, summary.updated,
                summary.unchanged, summary.rejected, summary.error,
            ])
    }

    static func json(_ summary: IngestSummary) -> String {
        var copy = summary
        copy.seconds = 0  // timing is not part of the record
        return (try? JSONEncoder.sortedString(copy)) ?? "{}"
    }
}
