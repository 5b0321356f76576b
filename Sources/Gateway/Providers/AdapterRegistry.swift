import AdapterKit
import CertGateCore
import Certiport
import ServSafe

/// The report styles CertGate speaks. A new style is one folder under `adapters/` and one line here.
enum AdapterRegistry {
    static let styles: [any ProviderAdapter.Type] = [
        CertiportAdapter.self,
        ServSafeAdapter.self,
    ]

    /// The adapter for a configured provider.
    static func adapter(for provider: ProviderSettings) throws -> any ProviderAdapter {
        guard let style = styles.first(where: { $0.style == provider.style }) else {
            let known = styles.map { $0.style }.joined(separator: ", ")
            throw CertGateError(.configuration, "provider '\(provider.id)': unknown style '\(provider.style)' (known: \(known))")
        }
        return try style.init(provider: provider)
    }
}
