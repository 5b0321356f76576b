import AdapterKit
import Fetch
import Foundation
import MockProvider
import Synchronization

/// Passes requests to a real transport and keeps each exchange, with personal data and secrets
/// replaced, so a pull can be written out as a cassette.
final class RecordingTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private let adapter: any ProviderAdapter
    private let pseudonyms: Pseudonymizer
    private let exchanges = Mutex<[CassetteWriter.Exchange]>([])
    private let failure = Mutex<(any Error & Sendable)?>(nil)

    init(inner: any HTTPTransport, adapter: any ProviderAdapter, pseudonyms: Pseudonymizer) {
        self.inner = inner
        self.adapter = adapter
        self.pseudonyms = pseudonyms
    }

    func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        let result = Result { () throws(HTTPError) in try inner.send(request) }
        record(request, result)
        return try result.get()
    }

    func sendAll(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, HTTPError>] {
        let results = inner.sendAll(requests, maxConcurrent: maxConcurrent)
        for (request, result) in zip(requests, results) { record(request, result) }
        return results
    }

    /// The recorded exchanges, grouped so a repeated request keeps its responses in order.
    func recorded() throws -> [CassetteWriter.Exchange] {
        if let error = failure.withLock({ $0 }) { throw error }
        return exchanges.withLock { $0 }
    }

    private func record(_ request: HTTPRequest, _ result: Result<HTTPResponse, HTTPError>) {
        // Only what the server said is kept: no request headers (credentials) and no request bodies
        // (client secrets). A failure without an HTTP status (a dropped connection) is not traffic
        // that a cassette can replay, so it is left out.
        let status: Int
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        switch result {
        case .success(let response):
            status = response.status
            headers = response.headers
            body = response.body
        case .failure(let error):
            guard case .status(let code) = error.kind else { return }
            status = code
        }
        guard let components = URLComponents(string: request.url) else { return }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        do {
            body = try adapter.pseudonymize(body, path: components.path, using: pseudonyms)
        } catch {
            failure.withLock { $0 = error }
            return
        }
        exchanges.withLock { list in
            if let index = list.firstIndex(where: {
                $0.method == request.method.rawValue && $0.path == components.path && $0.query == query
            }) {
                list[index].responses.append((status, headers, body))
            } else {
                list.append(
                    CassetteWriter.Exchange(
                        method: request.method.rawValue, path: components.path, query: query, responses: [(status, headers, body)]))
            }
        }
    }
}
