import AdapterKit
public import CertGateCore
public import Fetch
import Foundation
public import Store

/// What `certgate pull` is asked to do.
public struct PullOptions: Sendable {
    /// Provider IDs; empty means every enabled provider.
    public var providers: [String] = []
    /// Start here instead of at the stored cursor.
    public var since: CalendarDate?
    /// End here instead of today (backfills, reproducible test runs).
    public var until: CalendarDate?
    /// Another server for a provider, for this run only: `certiport` → `http://127.0.0.1:8080/certiport`.
    public var baseURLs: [String: String] = [:]
    /// Where credentials are read from.
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init() {}
}

extension Gateway {
    /// The weekly job: each provider fetched from its cursor (less the overlap), parsed and stored
    /// in one transaction. A provider that fails leaves its cursor and data as they were; the
    /// others still run. Two pulls on one database never interleave.
    public func pull(
        _ options: PullOptions, transport: (any HTTPTransport)? = nil, progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }
    ) throws -> PullReport {
        let started = Date()
        let chosen = try chooseProviders(options)
        let lock = try lockPulls(of: chosen)
        defer { withExtendedLifetime(lock) {} }
        // Matching's roster index takes seconds to build for a state: build it while fetching.
        let roster = RosterIndex.ahead(database: database, configDirectory: configDirectory)
        let client = transport ?? HTTPClient(options: HTTPClient.Options(config.http)) { event in
            if case .retrying(let url, let attempt, let delay, let reason) = event {
                let wait = String(format: "%.1f", delay)
                progress(ProgressEvent(provider: "", message: "\(reason); trying \(url) again in \(wait) s (attempt \(attempt + 1))"))
            }
        }
        var summaries: [IngestSummary] = []
        for var provider in chosen {
            if let url = options.baseURLs[provider.id] { provider.baseURL = url }
            summaries.append(pullOne(provider, options: options, transport: client, progress: progress))
        }
        return try matchAndCheck(summaries, since: started, roster: roster.take(), progress: progress)
    }

    /// After a pull or an import stored its results: match what changed, then check it.
    /// - Parameter roster: matching's roster index, when built ahead.
    private func matchAndCheck(
        _ summaries: [IngestSummary], since started: Date, roster: RosterIndex?, progress: (ProgressEvent) -> Void
    ) throws -> PullReport {
        progress(ProgressEvent(provider: "", message: "matching results to students"))
        let matching = try matchChangedResults(roster: roster) { sofar in
            progress(ProgressEvent(provider: "", message: "\(sofar.considered) results matched"))
        }
        progress(ProgressEvent(provider: "", message: "running the data checks"))
        let checks = try runChecks(changedSince: started)
        return PullReport(providers: summaries, matching: matching, checks: checks, auditHead: try auditHead())
    }

    /// Two pulls of one provider never run at once on one database: on SQLite no two pulls at
    /// all (one file lock); on PostgreSQL one advisory lock per provider, so workers on other
    /// machines may pull other providers meanwhile.
    private func lockPulls(of providers: [ProviderSettings]) throws -> DatabaseLock {
        do {
            return try database.lock(providers.map { "certgate pull \($0.id)" })
        } catch let held as DatabaseLock.Held {
            let what = held.name.map { "a pull of \($0.replacingOccurrences(of: "certgate pull ", with: ""))" } ?? "another pull"
            throw CertGateError(
                .conflict, "\(what) is already running on this database\(held.process.map { " (process \($0))" } ?? ""); try again when it ends")
        }
    }

    func chooseProviders(_ options: PullOptions) throws -> [ProviderSettings] {
        let catalog = try ProviderCatalog.load(directory: configDirectory)
        for id in options.baseURLs.keys { _ = try catalog.provider(id) }
        if options.providers.isEmpty { return catalog.providers.filter(\.enabled) }
        return try options.providers.map(catalog.provider)
    }

    /// The days a pull asks for: from `--since`, else the cursor less the overlap, else the
    /// provider's initial day, else a year back; to `--until`, else today in the provider's zone.
    func window(for provider: ProviderSettings, options: PullOptions) throws -> PullWindow {
        let zone = try provider.resolvedTimeZone()
        let end = options.until ?? ExamTime.day(of: Date(), in: zone)
        let cursor = try database.read {
            try $0.scalar("SELECT cursor FROM pull_cursors WHERE provider_id = ?", [provider.id]).string
        }.flatMap { CalendarDate(parsing: $0) }
        let start = options.since ?? cursor.map { $0.adding(days: -provider.overlapDays) } ?? provider.initialSince
            ?? end.adding(days: -365)
        guard start <= end else {
            throw CertGateError(.input, "the pull would start on \(start), after it ends on \(end); check --since and --until")
        }
        return PullWindow(start: start, end: end)
    }

    private func pullOne(
        _ provider: ProviderSettings, options: PullOptions, transport: any HTTPTransport,
        progress: @escaping @Sendable (ProgressEvent) -> Void
    ) -> IngestSummary {
        let started = Date()
        var summary = IngestSummary(provider: provider.id, status: .failed)
        do {
            let adapter = try AdapterRegistry.adapter(for: provider)
            let window = try window(for: provider, options: options)
            summary.from = window.start.description
            summary.to = window.end.description
            progress(ProgressEvent(provider: provider.id, message: "pulling \(window.start) to \(window.end)"))
            let context = FetchContext(transport: transport, environment: options.environment) { fetched in
                let total = fetched.total.map { "/\($0)" } ?? ""
                progress(ProgressEvent(provider: fetched.provider, message: "\(fetched.what) \(fetched.done)\(total)"))
            }
            let feed = try adapter.fetch(window, context: context)
            progress(ProgressEvent(provider: provider.id, message: "storing \(feed.documents.count) documents"))
            try Ingest(database: database, actor: actor).store(
                feed.documents, adapter: adapter, provider: provider, cursor: feed.cursor, action: "pull", summary: &summary
            ) { stored in progress(ProgressEvent(provider: provider.id, message: "\(stored) records stored")) }
        } catch {
            summary = IngestSummary(provider: provider.id, status: .failed)
            summary.error = "\(error)"
            try? database.write { try Ingest.recordRun(summary, $0, now: Timestamp.string(Date())) }
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Imports a report a staff member exported by hand, with the same parsing as a pull, then
    /// matches what it brought. The file is read as it is stored, never whole.
    public func importFile(
        provider id: String, path: String, progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }
    ) throws -> PullReport {
        let started = Date()
        let provider = try ProviderCatalog.load(directory: configDirectory).provider(id)
        let adapter = try AdapterRegistry.adapter(for: provider)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isReadableFile(atPath: path)
        else {
            throw CertGateError(.io, "cannot read '\(path)': it is missing, a folder, or not readable by this user")
        }
        let name = (path as NSString).lastPathComponent
        let documents = try adapter.documents(fromFile: path, name: name, readAt: Date())
        var summary = IngestSummary(provider: provider.id, status: .failed)
        progress(ProgressEvent(provider: provider.id, message: "storing \(name)"))
        try Ingest(database: database, actor: actor).store(
            documents, adapter: adapter, provider: provider, cursor: nil, action: "import", summary: &summary
        ) { stored in progress(ProgressEvent(provider: provider.id, message: "\(stored) rows stored")) }
        summary.seconds = Date().timeIntervalSince(started)
        return try matchAndCheck([summary], since: started, roster: nil, progress: progress)
    }
}

/// What a pull or an import did: per provider, then the matching of what it stored and the
/// data checks run after it.
public struct PullReport: Sendable, Codable {
    public var providers: [IngestSummary]
    public var matching: MatchSummary
    public var checks: CheckSummary
    /// The audit chain's head once everything is written: the weekly job's output keeps it
    /// outside the database (`certgate audit verify --head`).
    public var auditHead: AuditHead

    enum CodingKeys: String, CodingKey {
        case providers, matching, checks
        case auditHead = "audit_head"
    }
}
