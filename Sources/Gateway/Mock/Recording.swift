import AdapterKit
import CertGateCore
import Fetch
import Foundation
import MockProvider

/// What `certgate mock record` did.
public struct RecordingSummary: Sendable, Codable {
    public var provider: String
    public var exchanges: Int
    public var documents: Int
    public var results: Int
    public var rejected: Int
    public var directory: String
}

extension Gateway {
    /// Runs a provider's fetch through its adapter against the real (or a configured) server and
    /// writes the traffic as a cassette with names, emails, dates of birth, candidate IDs and
    /// tokens replaced by consistent pseudonyms. The database is not changed.
    public func recordCassette(provider id: String, options: PullOptions, to directory: String) throws -> RecordingSummary {
        var provider = try ProviderCatalog.load(directory: configDirectory).provider(id)
        if let url = options.baseURLs[id] { provider.baseURL = url }
        let adapter = try AdapterRegistry.adapter(for: provider)
        let window = try window(for: provider, options: options)
        let salt = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()
        let recorder = RecordingTransport(
            inner: HTTPClient(options: HTTPClient.Options(config.http)), adapter: adapter, pseudonyms: Pseudonymizer(salt: salt))
        let feed = try adapter.fetch(window, context: FetchContext(transport: recorder, environment: options.environment) { _ in })
        var results = 0
        var rejected = 0
        for document in feed.documents {
            try adapter.parse(document) { record in
                if case .result = record { results += 1 } else { rejected += 1 }
            }
        }
        let exchanges = try recorder.recorded()
        try CassetteWriter.write(
            exchanges,
            description: "Recorded from provider '\(id)' (\(provider.style) style) for \(window.start) to \(window.end); "
                + "personal data replaced by pseudonyms.", to: directory)
        return RecordingSummary(
            provider: id, exchanges: exchanges.count, documents: feed.documents.count, results: results, rejected: rejected,
            directory: directory)
    }
}
