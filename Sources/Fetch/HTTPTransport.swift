/// What adapters send requests through: the libcurl client in production, a recording wrapper
/// when `certgate mock record` turns real traffic into cassettes.
public protocol HTTPTransport: Sendable {
    /// Sends one request (with the transport's retries); a status of 400 or more is an error.
    func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse
    /// Sends several requests at once and returns their results in order.
    func sendAll(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, HTTPError>]
}

extension HTTPClient: HTTPTransport {}
