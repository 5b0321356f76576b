import Console
import Dispatch
import Fetch
import Foundation
import Synchronization
import Testing

/// The HTTP server itself, with a handler of the test's own.
@Suite struct HTTPServerTests {
    /// Uploads waiting on a database lock (a pull's checks) must not hold up other users' pages:
    /// each connection has its own thread, so twenty-four requests blocked in the handler, more
    /// than any fixed pool of workers we ran before, leave a page answered at once.
    @Test func requestsThatWaitHoldUpNoOtherPage() throws {
        let release = DispatchSemaphore(value: 0)
        let waiting = Atomic<Int>(0)
        let server = try HTTPServer(options: {
            var options = HTTPServer.Options()
            options.port = 0
            return options
        }()) { request in
            if request.path == "/wait" {
                waiting.add(1, ordering: .relaxed)
                release.wait()
            }
            return ConsoleResponse(status: 200, body: Array("answered \(request.path)".utf8))
        }
        defer { server.stop() }
        var clientOptions = HTTPClient.Options()
        clientOptions.retry.maxAttempts = 1
        clientOptions.perHostConnections = 32
        clientOptions.timeout = 30
        let client = HTTPClient(options: clientOptions)
        let base = "http://127.0.0.1:\(server.port)"
        let blocked = 24
        let group = DispatchGroup()
        let answered = Atomic<Int>(0)
        for _ in 0..<blocked {
            group.enter()
            Thread {
                defer { group.leave() }
                if (try? client.send(HTTPRequest(url: base + "/wait")))?.status == 200 { answered.add(1, ordering: .relaxed) }
            }.start()
        }
        // Every waiting request is in the handler before the page is asked for.
        for _ in 0..<300 where waiting.load(ordering: .relaxed) < blocked { Thread.sleep(forTimeInterval: 0.01) }
        #expect(waiting.load(ordering: .relaxed) == blocked)

        var pageOptions = clientOptions
        pageOptions.timeout = 5
        let page = try HTTPClient(options: pageOptions).send(HTTPRequest(url: base + "/page"))
        #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self) == "answered /page")
        #expect(answered.load(ordering: .relaxed) == 0, "the waiting requests were still waiting")

        for _ in 0..<blocked { release.signal() }
        group.wait()
        #expect(answered.load(ordering: .relaxed) == blocked)
    }
}
