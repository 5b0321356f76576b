import AdapterKit
import CertGateCore
import Fetch
import Foundation
import Synchronization

/// An OAuth2 client-credentials token: fetched when first needed, reused until it expires, and
/// fetched again once when the provider answers 401 (a token revoked or expired early).
final class TokenSource: Sendable {
    private let provider: ProviderSettings
    private let context: FetchContext
    private let current = Mutex<(token: Secret, expires: Date)?>(nil)

    init(provider: ProviderSettings, context: FetchContext) {
        self.provider = provider
        self.context = context
    }

    /// A valid token, fetching one when there is none or it is about to expire.
    func token(forceRefresh: Bool = false) throws -> HTTPAuth {
        if !forceRefresh, let cached = current.withLock({ $0 }), cached.expires > Date().addingTimeInterval(30) {
            return .bearer(cached.token)
        }
        let credentials: (id: String, secret: Secret)
        do {
            credentials = try provider.auth.clientCredentials(environment: context.environment)
        } catch let error as CertGateError {
            throw CertGateError(error.code, "provider '\(provider.id)': \(error.message)")
        }
        let response: HTTPResponse
        do {
            response = try context.transport.send(
                .post(
                    provider.url("oauth/token"),
                    form: [("grant_type", "client_credentials"), ("client_id", credentials.id), ("client_secret", credentials.secret.value)]))
        } catch {
            guard case .status(let status) = error.kind, [400, 401, 403].contains(status) else { throw error }
            throw FeedError(
                provider: provider.id, feed: error.url,
                "the provider refused the client credentials (HTTP \(status)); check \(provider.auth.userEnv ?? "") and \(provider.auth.secretEnv ?? "")")
        }
        guard let answer = try? JSONDecoder().decode(TokenResponse.self, from: Data(response.body)), !answer.access_token.isEmpty
        else {
            throw FeedError(provider: provider.id, feed: response.url, "the token endpoint did not return an access_token")
        }
        let token = Secret(answer.access_token)
        current.withLock { $0 = (token, Date().addingTimeInterval(answer.expires_in ?? 3600)) }
        return .bearer(token)
    }

    /// Sends a request with the token; on 401, refreshes the token once and tries again.
    func send(_ make: (HTTPAuth) -> HTTPRequest) throws -> HTTPResponse {
        do {
            return try context.transport.send(make(try token()))
        } catch let error as HTTPError where error.kind == .status(401) {
            do {
                return try context.transport.send(make(try token(forceRefresh: true)))
            } catch let again as HTTPError where again.kind == .status(401) {
                throw FeedError(provider: provider.id, feed: again.url, "the provider refused a fresh token (401)")
            }
        }
    }

    /// Sends requests at once with the token; those answered 401 are sent again, once, with a
    /// fresh token. Any other failure fails the whole batch.
    func sendAll(_ makers: [(HTTPAuth) -> HTTPRequest]) throws -> [HTTPResponse] {
        guard !makers.isEmpty else { return [] }
        let auth = try token()
        var results = context.transport.sendAll(makers.map { $0(auth) }, maxConcurrent: 8)
        let refused = results.indices.filter {
            if case .failure(let error) = results[$0], error.kind == .status(401) { return true }
            return false
        }
        if !refused.isEmpty {
            let fresh = try token(forceRefresh: true)
            let retried = context.transport.sendAll(refused.map { makers[$0](fresh) }, maxConcurrent: 8)
            for (index, result) in zip(refused, retried) { results[index] = result }
        }
        return try results.map { result in
            do {
                return try result.get()
            } catch let error as HTTPError where error.kind == .status(401) {
                throw FeedError(provider: provider.id, feed: error.url, "the provider refused a fresh token (401)")
            }
        }
    }
}
