#if canImport(Glibc)
    import Glibc
#endif

/// A connection's byte stream: plain TCP or TLS.
protocol ByteChannel: AnyObject {
    /// Up to `maxCount` bytes; empty at the end of the stream or on an error.
    func read(maxCount: Int) -> [UInt8]
    /// Writes everything; false when the peer is gone.
    func write(_ bytes: [UInt8]) -> Bool
    /// Resets the connection (TCP RST) instead of closing it politely.
    func reset()
    func close()
}

/// A plain TCP connection.
final class PlainChannel: ByteChannel {
    let socket: Int32
    private var closed = false

    init(socket: Int32) { self.socket = socket }

    func read(maxCount: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maxCount)
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, maxCount, 0) }
        return count > 0 ? Array(buffer.prefix(count)) : []
    }

    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(socket)
    }
}

/// Reads HTTP/1.1 requests (request line, headers, a `Content-Length` body) from a channel.
struct RequestReader {
    let channel: any ByteChannel
    private var buffer: [UInt8] = []

    init(channel: any ByteChannel) { self.channel = channel }

    /// The next request, or nil when the connection ends or sends something unreadable.
    mutating func next() -> RecordedRequest? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            if let range = buffer.firstRange(of: terminator) {
                headEnd = range.lowerBound
                break
            }
            guard buffer.count < 1 << 20 else { return nil }
            let chunk = channel.read(maxCount: 16 * 1024)
            if chunk.isEmpty { return nil }
            buffer += chunk
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length {
            let chunk = channel.read(maxCount: 64 * 1024)
            if chunk.isEmpty { return nil }
            buffer += chunk
        }
        let body = Array(buffer.prefix(length))
        buffer.removeFirst(length)
        let target = String(requestLine[1])
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return RecordedRequest(
            method: String(requestLine[0]), path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : nil,
            headers: headers, body: body)
    }
}
