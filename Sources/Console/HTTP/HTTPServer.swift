import CMicroHTTPD
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP server on libmicrohttpd: its own polling thread and a thread for each connection, idle
/// connections closed after a timeout, request bodies capped, and every response given the
/// console's security headers. The handler sees a fully read request; it runs on the
/// connections' threads, so it must be thread-safe.
public final class HTTPServer: @unchecked Sendable {
    // @unchecked: `daemon` is set once in init and cleared once in stop (under `stopped`).
    public struct Options: Sendable {
        public var host = "127.0.0.1"
        /// 0: the system chooses (tests).
        public var port: UInt16 = 8080
        /// Connections served at once, each on a thread of its own: a request that waits (a
        /// certificate upload waits for a running pull's checks before it runs its student's)
        /// holds up no other. Further connections are refused until some close.
        public var maximumConnections: UInt32 = 512
        public var idleTimeoutSeconds: UInt32 = 30
        /// A form larger than this is refused with 413 (uploads stream elsewhere).
        public var maximumBodyBytes = 1 << 20
        /// A `multipart/form-data` upload larger than this is refused with 413: from its
        /// Content-Length before any of it is read, else as soon as it passes the limit.
        public var maximumUploadBytes = 16 << 20
        /// Where uploads are spooled while their request runs (default: a private temporary folder).
        public var spoolDirectory: String?
        /// HTTPS with this certificate and key (PEM text); nil: plain HTTP.
        public var tls: (certificate: String, key: String)?

        public init() {}
    }

    public typealias Handler = @Sendable (ConsoleRequest) -> ConsoleResponse
    /// Asked with the headers of an upload before its body is read: a response refuses it
    /// (signed out, say) without reading a byte more.
    public typealias Admit = @Sendable (ConsoleRequest) -> ConsoleResponse?

    /// Sent with every response: no framing, no sniffing, no referrer beyond the origin, scripts
    /// and styles only from the console itself, never inline.
    static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Cache-Control", "no-store"),
    ]

    let handler: Handler
    let admit: Admit?
    let options: Options
    /// The folder uploads are spooled to (0700).
    public let spool: String
    private let ownsSpool: Bool
    private var daemon: OpaquePointer?
    private let stopped = Mutex(false)
    /// The port the server listens on.
    public private(set) var port: UInt16 = 0

    public init(options: Options, admit: Admit? = nil, handler: @escaping Handler) throws {
        self.options = options
        self.handler = handler
        self.admit = admit
        if let folder = options.spoolDirectory {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            spool = folder
            ownsSpool = false
        } else {
            var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("certgate-uploads-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else { throw ServerError("cannot make a folder for uploads in \(NSTemporaryDirectory())") }
            spool = String(cString: made)
            ownsSpool = true
        }
        var address = sockaddr_storage()
        if options.host.contains(":") {
            var ipv6 = sockaddr_in6()
            ipv6.sin6_family = sa_family_t(AF_INET6)
            ipv6.sin6_port = options.port.bigEndian
            guard inet_pton(AF_INET6, options.host, &ipv6.sin6_addr) == 1 else { throw ServerError("'\(options.host)' is not an IP address") }
            withUnsafeBytes(of: ipv6) { bytes in withUnsafeMutableBytes(of: &address) { $0.copyMemory(from: bytes) } }
        } else {
            var ipv4 = sockaddr_in()
            ipv4.sin_family = sa_family_t(AF_INET)
            ipv4.sin_port = options.port.bigEndian
            guard inet_pton(AF_INET, options.host, &ipv4.sin_addr) == 1 else { throw ServerError("'\(options.host)' is not an IP address") }
            withUnsafeBytes(of: ipv4) { bytes in withUnsafeMutableBytes(of: &address) { $0.copyMemory(from: bytes) } }
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        daemon = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                certgate_mhd_start(
                    socketAddress, options.maximumConnections, options.idleTimeoutSeconds, 64 * 1024, accessHandler, completedHandler, context,
                    options.tls?.certificate, options.tls?.key)
            }
        }
        guard let daemon else {
            throw ServerError("cannot listen on \(options.host):\(options.port) (in use, or not this machine's address?)")
        }
        port = certgate_mhd_port(daemon)
    }

    /// Stops accepting, lets requests in progress finish, and closes (also on deinit).
    public func stop() {
        let first = stopped.withLock { stopped -> Bool in
            defer { stopped = true }
            return !stopped
        }
        if first, let daemon { MHD_stop_daemon(daemon) }
        if first, ownsSpool { rmdir(spool) }
    }

    deinit { stop() }
}

struct ServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What a request has read so far: its body, chunk by chunk (an upload's through the spool),
/// until the handler runs.
private final class PendingRequest {
    var body: [UInt8] = []
    var tooLarge = false
    var upload: MultipartSpool?
    /// Answered from the headers: the rest of the body is not read.
    var refused = false
}

/// libmicrohttpd calls this first with the headers, then with each chunk of the body, then once
/// more with none: the request is answered on that last call (an upload may be refused on the first).
private let accessHandler: MHD_AccessHandlerCallback = {
    context, connection, url, method, _, uploadData, uploadSize, requestContext -> MHD_Result in
    guard let context, let connection, let requestContext, let uploadSize else { return MHD_Result.NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    let path = url.map { String(cString: $0) } ?? "/", verb = method.map { String(cString: $0) } ?? ""
    if requestContext.pointee == nil {
        let pending = PendingRequest()
        requestContext.pointee = Unmanaged.passRetained(pending).toOpaque()
        let headersOnly = makeRequest(connection, url: path, method: verb, body: [], upload: nil)
        guard (headersOnly.headers["content-type"] ?? "").lowercased().hasPrefix("multipart/form-data") else { return MHD_Result.YES }
        var refusal: ConsoleResponse?
        if let length = headersOnly.headers["content-length"].flatMap(Int.init), length > server.options.maximumUploadBytes {
            refusal = tooLargeResponse(server.options.maximumUploadBytes)
        } else {
            refusal = server.admit?(headersOnly)
        }
        if let refusal {
            pending.refused = true
            return send(refusal, on: connection)
        }
        guard let spool = MultipartSpool(connection: connection, folder: server.spool, limit: server.options.maximumUploadBytes) else {
            return send(malformedUpload, on: connection)
        }
        pending.upload = spool
        return MHD_Result.YES
    }
    let pending = Unmanaged<PendingRequest>.fromOpaque(requestContext.pointee!).takeUnretainedValue()
    if pending.refused {
        uploadSize.pointee = 0
        return MHD_Result.YES
    }
    if uploadSize.pointee > 0 {
        if let upload = pending.upload {
            if let uploadData { upload.feed(uploadData, count: uploadSize.pointee) }
        } else if pending.body.count + uploadSize.pointee > server.options.maximumBodyBytes {
            pending.tooLarge = true
        } else if let uploadData {
            uploadData.withMemoryRebound(to: UInt8.self, capacity: uploadSize.pointee) {
                pending.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: uploadSize.pointee))
            }
        }
        uploadSize.pointee = 0
        return MHD_Result.YES
    }
    pending.upload?.finish()
    let response: ConsoleResponse
    if pending.upload?.tooLarge == true {
        response = tooLargeResponse(server.options.maximumUploadBytes)
    } else if pending.tooLarge {
        response = tooLargeResponse(server.options.maximumBodyBytes)
    } else if pending.upload?.failed == true {
        response = malformedUpload
    } else {
        response = server.handler(makeRequest(connection, url: path, method: verb, body: pending.body, upload: pending.upload))
    }
    // The handler is done with the spooled files: they go before the answer does.
    pending.upload?.discardFiles()
    return send(response, on: connection)
}

private let malformedUpload = ConsoleResponse.html(
    "<!doctype html><title>Bad request</title><p>The upload is not a well-formed form.</p>", status: 400)

private func tooLargeResponse(_ limit: Int) -> ConsoleResponse {
    .html("<!doctype html><title>Too large</title><p>The request is too large: the limit is \(limit / (1 << 20)) MiB. Go back and choose a smaller file.</p>", status: 413)
}

private let completedHandler: MHD_RequestCompletedCallback = { _, _, requestContext, _ in
    guard let requestContext, let pointer = requestContext.pointee else { return }
    Unmanaged<PendingRequest>.fromOpaque(pointer).release()
    requestContext.pointee = nil
}

private func makeRequest(_ connection: OpaquePointer, url: String, method: String, body: [UInt8], upload: MultipartSpool?) -> ConsoleRequest {
    func header(_ name: String) -> String? {
        MHD_lookup_connection_value(connection, MHD_ValueKind.HEADER_KIND, name).map { String(cString: $0) }
    }
    var headers: [String: String] = [:]
    for name in ["host", "origin", "referer", "content-type", "content-length", "user-agent", "cookie"] { headers[name] = header(name) }
    var client = [CChar](repeating: 0, count: 64)
    certgate_mhd_client(connection, &client, client.count)
    // libmicrohttpd has taken the query off the URL and decoded its arguments.
    let arguments = ArgumentBox()
    _ = MHD_get_connection_values(connection, MHD_ValueKind.GET_ARGUMENT_KIND, collectArgument, Unmanaged.passUnretained(arguments).toOpaque())
    let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
    let isForm = (headers["content-type"] ?? "").lowercased().hasPrefix("application/x-www-form-urlencoded")
    return ConsoleRequest(
        method: ConsoleRequest.Method(rawValue: method) ?? .other, path: path, query: arguments.values,
        headers: headers, cookies: FormDecoding.cookies(headers["cookie"]),
        form: upload?.fields ?? (isForm ? FormDecoding.decode(String(decoding: body, as: UTF8.self)) : [:]), files: upload?.files ?? [:],
        client: String(decoding: client.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
}

/// The query arguments of one request, gathered by `collectArgument`.
private final class ArgumentBox {
    var values: [String: String] = [:]
}

private let collectArgument: MHD_KeyValueIterator = { context, _, key, value -> MHD_Result in
    guard let context, let key else { return MHD_Result.YES }
    let box = Unmanaged<ArgumentBox>.fromOpaque(context).takeUnretainedValue()
    box.values[String(cString: key)] = value.map { String(cString: $0) } ?? ""
    return MHD_Result.YES
}

private func send(_ response: ConsoleResponse, on connection: OpaquePointer) -> MHD_Result {
    let made = response.body.withUnsafeBytes { bytes in
        MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), MHD_ResponseMemoryMode.RESPMEM_MUST_COPY)
    }
    guard let made else { return MHD_Result.NO }
    for (name, value) in HTTPServer.securityHeaders + response.headers { MHD_add_response_header(made, name, value) }
    let result = MHD_queue_response(connection, UInt32(response.status), made)
    MHD_destroy_response(made)
    return result
}
