import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 server on 127.0.0.1 and an ephemeral port, for tests and for replaying recorded
/// provider feeds. Each connection has its own thread; keep-alive is supported, so a client's
/// connection reuse can be observed (`connectionCount`).
public final class LoopbackServer: Sendable {
    public typealias Handler = @Sendable (RecordedRequest) -> MockResponse

    /// The port the server listens on.
    public let port: UInt16
    private let listener: Int32
    private let handler: Handler
    private let tls: TLSServerContext?
    private let state = Mutex(State())

    private struct State {
        var stopped = false
        var requests: [RecordedRequest] = []
        var connections = 0
        var openSockets: Set<Int32> = []
    }

    /// Starts listening.
    /// - Parameters:
    ///   - port: 0 picks a free port.
    ///   - tls: serve https with this certificate and key.
    public init(port: UInt16 = 0, tls: TLSIdentity? = nil, handler: @escaping Handler) throws {
        signal(SIGPIPE, SIG_IGN)
        self.handler = handler
        self.tls = try tls.map(TLSServerContext.init)
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketFD >= 0 else { throw ServerError("socket", errno) }
        var yes: Int32 = 1
        setsockopt(socketFD, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socketFD, 128) == 0 else {
            let code = errno
            close(socketFD)
            throw ServerError("bind 127.0.0.1:\(port)", code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        self.port = UInt16(bigEndian: address.sin_port)
        self.listener = socketFD
        // The accept thread holds the server weakly, so releasing the server stops it.
        let acceptor = Thread { [weak self] in
            while true {
                let client = accept(socketFD, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return
                }
                guard let self else {
                    close(client)
                    return
                }
                self.admit(client)
            }
        }
        acceptor.name = "LoopbackServer.accept"
        acceptor.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT` (or https).
    public var baseURL: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)" }

    /// Every request received so far, in order.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// How many TCP connections clients have opened.
    public var connectionCount: Int { state.withLock { $0.connections } }

    /// Stops accepting and closes open connections.
    public func stop() {
        let sockets: Set<Int32>? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            return state.openSockets
        }
        guard let sockets else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func admit(_ client: Int32) {
        let admitted = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.connections += 1
            state.openSockets.insert(client)
            return true
        }
        guard admitted else {
            close(client)
            return
        }
        let worker = Thread { [self] in
            serve(client)
            state.withLock { _ = $0.openSockets.remove(client) }
        }
        worker.start()
    }

    private func serve(_ socket: Int32) {
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // Without this, a small body written after the head waits for the client's delayed ACK
        // (40 ms a response on Linux), and the mock, not the client, would set a pull's pace.
        var noDelay: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        let channel: any ByteChannel
        if let tls {
            guard let secure = tls.accept(socket) else {
                close(socket)
                return
            }
            channel = secure
        } else {
            channel = PlainChannel(socket: socket)
        }
        defer { channel.close() }
        var reader = RequestReader(channel: channel)
        while !isStopped, let request = reader.next() {
            state.withLock { $0.requests.append(request) }
            let response = handler(request)
            let keepAlive = request.header("connection")?.lowercased() != "close"
            guard write(response, to: channel, keepAlive: keepAlive), keepAlive else { return }
        }
    }

    /// Writes a response, applying its fault; false when the connection must end.
    private func write(_ response: MockResponse, to channel: any ByteChannel, keepAlive: Bool) -> Bool {
        if case .delay(let seconds) = response.fault { pause(seconds) }
        var head = "HTTP/1.1 \(response.status) \(reasonPhrase(response.status))\r\n"
        var hasLength = false
        for header in response.headers {
            head += "\(header.name): \(header.value)\r\n"
            if header.name.lowercased() == "content-length" { hasLength = true }
        }
        if !hasLength && !response.closeDelimited { head += "Content-Length: \(response.body.count)\r\n" }
        let open = keepAlive && !response.closeDelimited
        head += open ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        guard channel.write(Array(head.utf8)) else { return false }
        switch response.fault {
        case .stall(let count, let seconds):
            _ = channel.write(Array(response.body.prefix(count)))
            pause(seconds)
            return false
        case .reset(let count):
            _ = channel.write(Array(response.body.prefix(count)))
            channel.reset()
            return false
        case .truncate(let count):
            _ = channel.write(Array(response.body.prefix(count)))
            return false
        case .delay, nil:
            return channel.write(response.body) && !response.closeDelimited
        }
    }

    /// Sleeps, waking early when the server stops.
    private func pause(_ seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while !isStopped && Date() < end { Thread.sleep(forTimeInterval: min(0.05, seconds)) }
    }

    private func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 408: "Request Timeout"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

/// A failed socket call while starting the server.
public struct ServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ operation: String, _ code: Int32) {
        description = "\(operation) failed: \(String(cString: strerror(code)))"
    }
    init(_ message: String) { description = message }
}
