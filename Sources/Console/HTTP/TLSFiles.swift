import CertGateCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The console's HTTPS certificate and key, from the paths in `gateway.json` (relative to the
/// configuration folder): both or neither, and a key nobody but its owner can read.
enum TLSFiles {
    static func load(_ console: GatewayConfig.Console, configDirectory: String) throws -> (certificate: String, key: String)? {
        switch (console.tlsCertificate, console.tlsKey) {
        case (nil, nil): return nil
        case (let certificate?, let key?):
            func resolve(_ path: String) -> String {
                path.hasPrefix("/") ? path : (configDirectory as NSString).appendingPathComponent(path)
            }
            let certificatePath = resolve(certificate), keyPath = resolve(key)
            var status = stat()
            guard stat(keyPath, &status) == 0 else { throw CertGateError(.configuration, "cannot read the console's TLS key '\(keyPath)'") }
            guard status.st_mode & 0o077 == 0 else {
                throw CertGateError(
                    .configuration,
                    "the console's TLS key '\(keyPath)' can be read by others (mode \(String(status.st_mode & 0o777, radix: 8))); "
                        + "chmod 600 it")
            }
            guard let certificateText = FileManager.default.contents(atPath: certificatePath).map({ String(decoding: $0, as: UTF8.self) }),
                certificateText.contains("-----BEGIN CERTIFICATE-----")
            else { throw CertGateError(.configuration, "'\(certificatePath)' is not a PEM certificate (console.tls_certificate)") }
            guard let keyText = FileManager.default.contents(atPath: keyPath).map({ String(decoding: $0, as: UTF8.self) }),
                keyText.contains("PRIVATE KEY-----")
            else { throw CertGateError(.configuration, "'\(keyPath)' is not a PEM private key (console.tls_key)") }
            return (certificateText, keyText)
        default:
            throw CertGateError(.configuration, "gateway.json: console.tls_certificate and console.tls_key go together; give both or neither")
        }
    }
}
