internal import CTLS

#if canImport(Glibc)
    import Glibc
#endif

/// A certificate and private key (PEM files) for serving https on loopback in tests.
public struct TLSIdentity: Sendable {
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }
}

/// An OpenSSL server context.
///
/// `@unchecked Sendable`: the context is configured once in `init` and only read afterwards;
/// OpenSSL allows `SSL_new` on one context from several threads.
final class TLSServerContext: @unchecked Sendable {
    private let context: OpaquePointer

    init(_ identity: TLSIdentity) throws {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw ServerError("SSL_CTX_new failed") }
        guard SSL_CTX_use_certificate_chain_file(context, identity.certificatePath) == 1,
            SSL_CTX_use_PrivateKey_file(context, identity.keyPath, SSL_FILETYPE_PEM) == 1
        else {
            SSL_CTX_free(context)
            throw ServerError("cannot load the TLS certificate '\(identity.certificatePath)' or its key")
        }
        self.context = context
    }

    deinit { SSL_CTX_free(context) }

    /// Performs the server side of the handshake; nil when the client gives up (it may refuse
    /// our certificate, which is what some tests expect).
    func accept(_ socket: Int32) -> TLSChannel? {
        guard let ssl = SSL_new(context) else { return nil }
        SSL_set_fd(ssl, socket)
        guard SSL_accept(ssl) == 1 else {
            SSL_free(ssl)
            return nil
        }
        return TLSChannel(ssl: ssl, socket: socket)
    }
}

/// A TLS connection.
final class TLSChannel: ByteChannel {
    private let ssl: OpaquePointer
    private let plain: PlainChannel
    private var closed = false

    init(ssl: OpaquePointer, socket: Int32) {
        self.ssl = ssl
        self.plain = PlainChannel(socket: socket)
    }

    func read(maxCount: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maxCount)
        let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32(maxCount)) }
        return count > 0 ? Array(buffer.prefix(Int(count))) : []
    }

    func write(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return true }
        let written = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        return written == Int32(bytes.count)
    }

    func reset() {
        finish()
        plain.reset()
    }

    func close() {
        if !closed { SSL_shutdown(ssl) }
        finish()
        plain.close()
    }

    private func finish() {
        guard !closed else { return }
        closed = true
        SSL_free(ssl)
    }
}
