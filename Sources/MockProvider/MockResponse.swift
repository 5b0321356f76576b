/// A request the loopback server received.
public struct RecordedRequest: Sendable {
    public var method: String
    /// The path without the query string.
    public var path: String
    /// The raw query string without `?`, or nil.
    public var query: String?
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The decoded query parameters.
    public var queryItems: [String: String] {
        var items: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingPlus.removingPercentEncodingOrSelf
            }
            items[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return items
    }
}

/// What the loopback server answers, possibly with a fault injected.
public struct MockResponse: Sendable {
    /// A misbehaviour of the server, to test how the client copes.
    public enum Fault: Sendable, Equatable {
        /// Wait before sending anything.
        case delay(seconds: Double)
        /// Send the headers and the first bytes of the body, then send nothing for a while.
        case stall(afterBytes: Int, seconds: Double)
        /// Send the headers and the first bytes of the body, then reset the connection (TCP RST).
        case reset(afterBytes: Int)
        /// Send the headers (with the full length) and the first bytes of the body, then close.
        case truncate(afterBytes: Int)
    }

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var fault: Fault?
    /// Send no `Content-Length` and end the body by closing the connection, as HTTP/1.0 servers
    /// do: the client cannot know the size in advance.
    public var closeDelimited: Bool

    public init(
        status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = [], fault: Fault? = nil,
        closeDelimited: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.fault = fault
        self.closeDelimited = closeDelimited
    }

    /// A text response with a content type.
    public static func text(_ body: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8")
        -> MockResponse
    {
        MockResponse(status: status, headers: [("Content-Type", contentType)], body: Array(body.utf8))
    }

    /// A redirect to another URL.
    public static func redirect(to location: String, status: Int = 302) -> MockResponse {
        MockResponse(status: status, headers: [("Location", location)])
    }
}

extension String {
    var replacingPlus: String { replacing("+", with: " ") }

    var removingPercentEncodingOrSelf: String {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
