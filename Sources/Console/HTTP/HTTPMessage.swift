import Foundation

/// A request as the console's handlers see it: fully read, its form decoded.
public struct ConsoleRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST", head = "HEAD", other }

    public var method: Method
    /// The path without the query, e.g. `/tasks/12/resolve`.
    public var path: String
    public var query: [String: String]
    /// Header names in lowercase.
    public var headers: [String: String]
    public var cookies: [String: String]
    /// The fields of a POST (`application/x-www-form-urlencoded` or `multipart/form-data`).
    public var form: [String: String]
    /// The file fields of a `multipart/form-data` POST, spooled to disk.
    public var files: [String: UploadedFile] = [:]
    /// The client's address, for rate limits.
    public var client: String

    /// The path's parts: `/tasks/12/resolve` → `["tasks", "12", "resolve"]`.
    var parts: [String] { path.split(separator: "/").map(String.init) }
}

/// A response: status, headers, body.
public struct ConsoleResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func html(_ page: String, status: Int = 200) -> ConsoleResponse {
        ConsoleResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page.utf8))
    }

    /// 303 See Other: after a POST, the browser GETs `location`.
    static func redirect(_ location: String, headers: [(String, String)] = []) -> ConsoleResponse {
        ConsoleResponse(status: 303, headers: [("Location", location)] + headers)
    }
}

/// `a=1&b=two+words` → `["a": "1", "b": "two words"]` (the last of a repeated name wins).
enum FormDecoding {
    static func decode(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func value(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[value(parts[0])] = parts.count > 1 ? value(parts[1]) : ""
        }
        return fields
    }

    /// `a=1; b=2` → `["a": "1", "b": "2"]`.
    static func cookies(_ header: String?) -> [String: String] {
        var cookies: [String: String] = [:]
        for part in (header ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2 { cookies[pair[0]] = pair[1] }
        }
        return cookies
    }
}
