import CCrypto
import Foundation

/// Staff passwords, stored only as scrypt hashes (OpenSSL's libcrypto) with a random salt and
/// their parameters, so the cost can be raised later without invalidating stored hashes:
/// `scrypt$LOG2N$R$P$SALT$HASH` (salt and hash in base64). Never stored, logged or compared in clear.
public enum PasswordHash {
    /// OWASP's scrypt settings of equal cost: N = 2^15, r = 8, p = 3 (32 MiB of memory a hash).
    static let logN = 15, blockSize = 8, parallelism = 3
    static let saltBytes = 16, hashBytes = 32

    /// Shorter passwords are refused; longer ones than `maximumLength` too (a hash of megabytes
    /// of input is a way to waste the server's time).
    public static let minimumLength = 12
    public static let maximumLength = 1024

    public enum Problem: Error, CustomStringConvertible, Equatable {
        case tooShort, tooLong, unavailable

        public var description: String {
            switch self {
            case .tooShort: "a password needs at least \(PasswordHash.minimumLength) characters"
            case .tooLong: "a password may have at most \(PasswordHash.maximumLength) characters"
            case .unavailable: "the system's random source or scrypt (libcrypto) failed"
            }
        }
    }

    /// A new hash of `password` with a fresh salt.
    public static func make(_ password: String) throws -> String {
        guard password.count >= minimumLength else { throw Problem.tooShort }
        guard password.utf8.count <= maximumLength * 4 else { throw Problem.tooLong }
        var salt = [UInt8](repeating: 0, count: saltBytes)
        guard RAND_bytes(&salt, Int32(saltBytes)) == 1 else { throw Problem.unavailable }
        guard let hash = scrypt(password, salt: salt, logN: logN, r: blockSize, p: parallelism) else { throw Problem.unavailable }
        return "scrypt$\(logN)$\(blockSize)$\(parallelism)$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())"
    }

    /// Whether `password` is the one `stored` was made from (compared in constant time).
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let logN = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
            (10...20).contains(logN), (1...32).contains(r), (1...16).contains(p),
            let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]), expected.count == hashBytes,
            password.utf8.count <= maximumLength * 4,
            let actual = scrypt(password, salt: Array(salt), logN: logN, r: r, p: p)
        else { return false }
        return expected.withUnsafeBytes { CRYPTO_memcmp($0.baseAddress, actual, hashBytes) == 0 }
    }

    private static func scrypt(_ password: String, salt: [UInt8], logN: Int, r: Int, p: Int) -> [UInt8]? {
        var key = [UInt8](repeating: 0, count: hashBytes)
        let bytes = Array(password.utf8)
        let memory = UInt64(128 * r * (1 << logN) * 2 + 128 * r * p)
        let status = bytes.withUnsafeBufferPointer { passwordBuffer in
            passwordBuffer.withMemoryRebound(to: CChar.self) { characters in
                EVP_PBE_scrypt(
                    characters.baseAddress, bytes.count, salt, salt.count, UInt64(1 << logN), UInt64(r), UInt64(p), memory, &key, hashBytes)
            }
        }
        return status == 1 ? key : nil
    }
}
