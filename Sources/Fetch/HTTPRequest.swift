public import Foundation

/// An HTTP request to a provider.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        /// For WebDriver sessions in tests; providers are only read.
        case delete = "DELETE"
    }

    public var method: Method
    public var url: String
    /// Extra request headers. Never put a secret here: use `auth`, which is kept out of every
    /// log, error and description.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    public var auth: HTTPAuth?

    public init(
        method: Method = .get, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        auth: HTTPAuth? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.auth = auth
    }

    /// Whether the request carries a credential: an `auth` header, or a body (an OAuth2 token
    /// request sends its client secret there). Such a request is never sent on to another origin
    /// by a redirect, and a body never across any redirect.
    public var carriesCredentials: Bool { auth != nil || body != nil }

    /// A GET request.
    public static func get(_ url: String, headers: [(name: String, value: String)] = [], auth: HTTPAuth? = nil)
        -> HTTPRequest
    {
        HTTPRequest(method: .get, url: url, headers: headers, auth: auth)
    }

    /// A POST of an `application/x-www-form-urlencoded` form.
    public static func post(_ url: String, form: [(String, String)], auth: HTTPAuth? = nil) -> HTTPRequest {
        let body = form.map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&")
        return HTTPRequest(
            method: .post, url: url, headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(body.utf8), auth: auth)
    }

    /// A POST of a JSON document.
    public static func post(_ url: String, json: Data, auth: HTTPAuth? = nil) -> HTTPRequest {
        HTTPRequest(
            method: .post, url: url, headers: [("Content-Type", "application/json")], body: Array(json), auth: auth)
    }

    /// Percent-encodes a form or query value (`+` for spaces).
    public static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(
            of: "%20", with: "+")
    }
}

/// A response: status, headers (names lowercased) and the whole body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
    /// The URL that answered (after redirects), without its query string.
    public var url: String
    /// How many attempts it took.
    public var attempts: Int

    public init(status: Int, headers: [String: String], body: [UInt8], url: String, attempts: Int) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.attempts = attempts
    }

    /// A header's value by case-insensitive name.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A URL without user info, query or fragment: safe to show in logs and errors, since providers
/// sometimes put tokens or student identifiers in query strings.
public func redactedURL(_ url: String) -> String {
    guard var components = URLComponents(string: url) else {
        return String(url.prefix { $0 != "?" && $0 != "#" })
    }
    components.user = nil
    components.password = nil
    components.query = nil
    components.fragment = nil
    return components.string ?? String(url.prefix { $0 != "?" })
}
