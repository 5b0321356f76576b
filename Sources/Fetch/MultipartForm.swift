import Foundation

/// A `multipart/form-data` body, as a browser sends a form with a file: the console's load
/// test and tests upload certificates with it.
public struct MultipartForm: Sendable {
    public var fields: [(name: String, value: String)] = []
    public var files: [(name: String, filename: String, contentType: String, bytes: [UInt8])] = []
    public let boundary = "certgate-\(UUID().uuidString)"

    public init(fields: [(name: String, value: String)] = []) { self.fields = fields }

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    public var body: [UInt8] {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.contentType)\r\n\r\n"
                    .utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        return body + Array("--\(boundary)--\r\n".utf8)
    }

    /// A POST of this form to `url`, with more headers (a session cookie).
    public func request(to url: String, headers: [(name: String, value: String)] = []) -> HTTPRequest {
        HTTPRequest(method: .post, url: url, headers: [("Content-Type", contentType)] + headers, body: body)
    }
}
