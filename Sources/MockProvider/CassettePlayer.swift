import Foundation
import Synchronization

/// Answers requests from cassettes: the first interaction (in file and list order) whose
/// request matches, with that interaction's next response. A request nothing matches gets a
/// 404 that says so, and is kept in `unmatched`.
public final class CassettePlayer: Sendable {
    public let cassettes: [Cassette]
    private let state = Mutex(State())

    private struct State {
        var served: [String: Int] = [:]
        var unmatched: [String] = []
    }

    public init(cassettes: [Cassette]) { self.cassettes = cassettes }

    /// How many interactions there are in all.
    public var interactionCount: Int { cassettes.reduce(0) { $0 + $1.interactions.count } }

    /// Requests no interaction matched, as `METHOD /path?query`.
    public var unmatched: [String] { state.withLock { $0.unmatched } }

    /// The handler to give a `LoopbackServer`.
    public func respond(_ request: RecordedRequest) -> MockResponse {
        for cassette in cassettes {
            for (index, interaction) in cassette.interactions.enumerated() where interaction.request.matches(request) {
                let key = "\(cassette.name)#\(index)"
                let turn = state.withLock { state -> Int in
                    defer { state.served[key, default: 0] += 1 }
                    return state.served[key, default: 0]
                }
                return interaction.responses[min(turn, interaction.responses.count - 1)]
            }
        }
        let line = "\(request.method) \(request.path)\(request.query.map { "?\($0)" } ?? "")"
        state.withLock { $0.unmatched.append(line) }
        return .text("no cassette matches \(line)\n", status: 404)
    }
}
