public import AdapterKit
import CertGateCore
import Foundation

/// The providers configured in the `providers` list of `config/gateway.json`.
public struct ProviderCatalog: Sendable {
    public var providers: [ProviderSettings]

    private struct File: Decodable {
        var providers: [ProviderSettings]?
    }

    /// Reads the list; duplicate IDs and unknown styles are configuration errors.
    public static func load(directory: String) throws -> ProviderCatalog {
        let path = (directory as NSString).appendingPathComponent("gateway.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CertGateError(.configuration, "cannot read '\(path)'")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch let error as DecodingError {
            throw CertGateError(.configuration, "\(path): providers \(error.readableDescription)")
        }
        var seen: Set<String> = []
        for provider in file.providers ?? [] {
            guard seen.insert(provider.id).inserted else {
                throw CertGateError(.configuration, "\(path): provider '\(provider.id)' is listed twice")
            }
            _ = try AdapterRegistry.adapter(for: provider)
        }
        return ProviderCatalog(providers: file.providers ?? [])
    }

    /// A provider by ID; the error lists the configured ones.
    public func provider(_ id: String) throws -> ProviderSettings {
        guard let provider = providers.first(where: { $0.id == id }) else {
            let known = providers.map(\.id).joined(separator: ", ")
            throw CertGateError(.configuration, "no provider '\(id)' in the configuration (configured: \(known))")
        }
        return provider
    }
}
