import Fetch
import Foundation
import MockProvider
import TestSupport
import Testing

@Suite struct CassetteTests {
    func serve(_ json: String, files: [String: String] = [:]) throws -> (LoopbackServer, CassettePlayer, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        try directory.write("cassette.json", json)
        for (name, text) in files { try directory.write(name, text) }
        let player = CassettePlayer(cassettes: try Cassette.loadAll(directory: directory.path))
        return (try LoopbackServer(handler: player.respond), player, directory)
    }

    let client = HTTPClient(options: HTTPClientTests.fast)

    @Test func matchesMethodPathQueryAndHeadersAndPlaysSequences() throws {
        let (server, player, _) = try serve(
            #"""
            {"interactions": [
              {"request": {"path": "/r", "query": {"page": "2", "cursor": null}},
               "responses": [{"status": 503, "body": "busy"}, {"status": 200, "headers": {"X-Total-Pages": "2"}, "body_file": "p2.csv"}]},
              {"request": {"path": "/r", "query": {"page": "*"}, "headers": {"Authorization": "Bearer good"}},
               "responses": [{"body": "any page"}]},
              {"request": {"method": "POST", "path": "/token"}, "responses": [{"body_json": {"access_token": "t"}}]}
            ]}
            """#, files: ["p2.csv": "a,b\n1,2\n"])
        let base = server.baseURL
        #expect(throws: HTTPError.self) { try HTTPClient(options: HTTPClientTests.fast { $0.retry.maxAttempts = 1 }).send(.get(base + "/r?page=2")) }
        let second = try client.send(.get(base + "/r?page=2&from=2026-01-01"))
        #expect(second.text == "a,b\n1,2\n")
        #expect(second.header("X-Total-Pages") == "2")
        #expect(try client.send(.get(base + "/r?page=2")).text == "a,b\n1,2\n")  // the last response repeats
        #expect(throws: HTTPError.self) { try client.send(.get(base + "/r?page=2&cursor=x")) }  // null: must be absent
        #expect(try client.send(.get(base + "/r?page=9", auth: .bearer(Secret("good")))).text == "any page")
        #expect(try client.send(.post(base + "/token", form: [])).text == #"{"access_token":"t"}"#)
        #expect(player.unmatched == ["GET /r?page=2&cursor=x"])
    }

    @Test func faultsAreInjected() throws {
        let (server, _, _) = try serve(
            #"{"interactions": [{"request": {"path": "/cut"}, "responses": [{"body": "0123456789", "fault": {"kind": "truncate", "after_bytes": 3}}]}]}"#)
        let error = try #require(throws: HTTPError.self) {
            try HTTPClient(options: HTTPClientTests.fast { $0.retry.maxAttempts = 1 }).send(.get(server.baseURL + "/cut"))
        }
        #expect(error.kind == .connectionLost)
    }

    @Test(arguments: [
        (#"{"interactions": [{"request": {}, "responses": [{}]}]}"#, "needs a \"path\""),
        (#"{"interactions": [{"request": {"path": "/x"}, "responses": []}]}"#, "must be a non-empty list"),
        (#"{"interactions": [{"request": {"path": "/x"}, "responses": [{"body_file": "../secret"}]}]}"#, "inside the cassette's folder"),
        (#"{"interactions": [{"request": {"path": "/x"}, "responses": [{"fault": {"kind": "explode"}}]}]}"#, "is not delay, stall"),
    ])
    func badCassettesNameTheProblem(json: String, message: String) throws {
        let directory = try TemporaryDirectory()
        try directory.write("cassette.json", json)
        #expect { try Cassette.loadAll(directory: directory.path) } throws: { "\($0)".contains(message) }
    }

    /// `mock serve` never serves a file outside the cassette's folder, even through a symlink.
    @Test func bodyFileSymlinkLeadingOutsideIsRefused() throws {
        let outside = try TemporaryDirectory()
        let secret = try outside.write("secret.txt", "not for the mock")
        let directory = try TemporaryDirectory()
        try directory.write("cassette.json", #"{"interactions": [{"request": {"path": "/r"}, "responses": [{"body_file": "page.csv"}]}]}"#)
        try FileManager.default.createSymbolicLink(atPath: directory.file("page.csv"), withDestinationPath: secret)
        #expect { try Cassette.loadAll(directory: directory.path) } throws: { "\($0)".contains("leads outside the cassette's folder") }
        // A symlink to a file inside the folder is fine.
        try FileManager.default.removeItem(atPath: directory.file("page.csv"))
        try directory.write("real.csv", "a,b\n")
        try FileManager.default.createSymbolicLink(atPath: directory.file("page.csv"), withDestinationPath: directory.file("real.csv"))
        #expect(try Cassette.loadAll(directory: directory.path).count == 1)
    }

    @Test func bundledFeedsLoad() throws {
        let cassettes = try Cassette.loadAll(directory: Fixtures.path("mocks/feeds"))
        #expect(cassettes.count == 2)
        let faults = try Cassette.loadAll(directory: Fixtures.path("mocks/faults"))
        #expect(faults.count >= 8)
    }
}

enum HTTPClientTests {
    static func fast(_ change: (inout HTTPClient.Options) -> Void = { _ in }) -> HTTPClient.Options {
        var options = HTTPClient.Options()
        options.retry.baseDelay = 0.01
        options.retry.maxDelay = 0.02
        change(&options)
        return options
    }
    static let fast = fast()
}
