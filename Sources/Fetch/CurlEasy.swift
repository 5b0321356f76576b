internal import CCurl
import Foundation

/// What a transfer collects while libcurl runs it; handed to the C callbacks through a pointer.
final class TransferState {
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    let limit: Int
    var exceededLimit = false
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(limit: Int) {
        self.limit = limit
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(to: 0)
    }

    deinit { errorBuffer.deallocate() }
}

/// libcurl's write callback: appends the body, and aborts the transfer (by returning 0) as soon
/// as it would pass the size cap, so an oversized body is never held whole.
private func curlWrite(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?)
    -> Int
{
    guard let userdata, let buffer else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    if state.body.count + length > state.limit {
        state.exceededLimit = true
        return 0
    }
    state.body.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}

/// libcurl's header callback: one header line per call. A status line starts a new header block
/// (each redirect hop has its own), so only the final response's headers are kept.
private func curlHeader(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?)
    -> Int
{
    guard let userdata, let buffer else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        state.headers.removeAll()
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].trimmingSpaces.lowercased()
        let value = String(line[line.index(after: colon)...].trimmingSpaces)
        if let existing = state.headers[name] {
            state.headers[name] = existing + ", " + value
        } else {
            state.headers[name] = value
        }
    }
    return length
}

/// One libcurl easy handle. Reused across requests so its connection cache keeps connections to a
/// host open.
///
/// `@unchecked Sendable`: libcurl allows a handle on any thread but on one at a time, and the
/// client's pool hands each handle to one transfer at a time (it is taken out of the pool for
/// the transfer and put back after).
final class CurlEasy: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer

    init() {
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed (out of memory)") }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    struct Outcome {
        var code: CURLcode
        var status: Int
        var effectiveURL: String
        var state: TransferState
    }

    /// Runs one transfer, blocking the calling thread.
    func perform(_ request: HTTPRequest, options: HTTPClient.Options) -> Outcome {
        // Reset clears options but keeps live connections, the DNS cache and TLS sessions.
        curl_easy_reset(handle)
        let state = TransferState(limit: options.maxResponseBytes)
        let box = Unmanaged.passUnretained(state).toOpaque()

        ccurl_setopt_string(handle, CURLOPT_URL, request.url)
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        // A request carrying a credential is never followed by libcurl: the client follows it
        // itself, only within the same origin (HTTPClient.redirect).
        ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, request.carriesCredentials || !options.followRedirects ? 0 : 1)
        ccurl_setopt_long(handle, CURLOPT_MAXREDIRS, options.maxRedirects)
        // Never downgrade: a request that starts on https may only be redirected to https.
        let startsSecure = request.url.lowercased().hasPrefix("https:")
        ccurl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, startsSecure ? "https" : "http,https")
        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundle = options.caBundle { ccurl_setopt_string(handle, CURLOPT_CAINFO, caBundle) }
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(options.connectTimeout * 1000))
        ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(options.timeout * 1000))
        ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedBytesPerSecond)
        ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, options.lowSpeedSeconds)
        ccurl_setopt_offset(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxResponseBytes))
        ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl decodes
        ccurl_setopt_string(handle, CURLOPT_USERAGENT, options.userAgent)
        ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, state.errorBuffer)
        ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlWrite)
        ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, box)
        ccurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, curlHeader)
        ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, box)

        var headerLines = request.headers.map { "\($0.name): \($0.value)" }
        if let auth = request.auth {
            let header = auth.header
            headerLines.append("\(header.name): \(header.value)")
        }
        headerLines.append("Expect:")  // no 100-continue round trip for small POSTs
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in headerLines { list = curl_slist_append(list, line) }
        defer { curl_slist_free_all(list) }
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)

        switch request.method {
        case .get:
            ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case .delete:
            ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "DELETE")
        case .post:
            let body = request.body ?? []
            ccurl_setopt_long(handle, CURLOPT_POST, 1)
            ccurl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies now, so the Swift array need not outlive this call.
                _ = ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(box)))
            }
        }

        let code = withExtendedLifetime(state) { curl_easy_perform(handle) }

        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>? = nil
        ccurl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let effectiveURL = effective.map { String(cString: $0) } ?? request.url
        // Options pointing into `state` must not outlive it.
        ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)
        return Outcome(code: code, status: status, effectiveURL: effectiveURL, state: state)
    }

    /// The kind of failure a libcurl result code means.
    static func kind(of code: CURLcode, state: TransferState) -> HTTPError.Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dns
        case CURLE_COULDNT_CONNECT: return .connect
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR:
            return .tls
        case CURLE_WRITE_ERROR where state.exceededLimit, CURLE_FILESIZE_EXCEEDED: return .tooLarge
        case CURLE_UNSUPPORTED_PROTOCOL: return .redirectRefused
        case CURLE_TOO_MANY_REDIRECTS: return .tooManyRedirects
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE: return .connectionLost
        case CURLE_BAD_CONTENT_ENCODING, CURLE_WEIRD_SERVER_REPLY: return .badResponse
        case CURLE_URL_MALFORMAT: return .invalidRequest
        default: return .other
        }
    }

    /// curl's detailed message for a failed transfer, or its generic one.
    static func message(of code: CURLcode, state: TransferState) -> String {
        let detailed = String(cString: state.errorBuffer)
        return detailed.isEmpty ? String(cString: curl_easy_strerror(code)) : detailed
    }
}

/// Starts libcurl once per process, before any handle exists.
enum CurlGlobal {
    static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()
}
