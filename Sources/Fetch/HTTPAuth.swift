import CertGateCore
public import Foundation

/// A secret value (a token, a password) that never prints itself.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The value; read it only to put it on the wire.
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// How a request authenticates. Secrets are held as `Secret`, never as plain strings.
public enum HTTPAuth: Sendable {
    case bearer(Secret)
    case basic(user: String, password: Secret)
    case apiKey(header: String, key: Secret)

    /// The header that carries the credential.
    var header: (name: String, value: String) {
        switch self {
        case .bearer(let token):
            return ("Authorization", "Bearer \(token.value)")
        case .basic(let user, let password):
            return ("Authorization", "Basic " + Data("\(user):\(password.value)".utf8).base64EncodedString())
        case .apiKey(let header, let key):
            return (header, key.value)
        }
    }
}

/// Authentication as configured: the kind and the names of the environment variables that hold
/// the secrets. Configuration files and command lines never carry secrets themselves.
public struct AuthSettings: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable {
        case bearer, basic
        case apiKey = "api_key"
        case oauth2ClientCredentials = "oauth2_client_credentials"
        case none
    }

    public var type: Kind
    /// Bearer token or API key.
    public var tokenEnv: String?
    /// Basic user name, or OAuth2 client ID.
    public var userEnv: String?
    /// Basic password, or OAuth2 client secret.
    public var secretEnv: String?
    /// The header an API key goes in.
    public var header: String?

    public init(type: Kind, tokenEnv: String? = nil, userEnv: String? = nil, secretEnv: String? = nil, header: String? = nil) {
        self.type = type
        self.tokenEnv = tokenEnv
        self.userEnv = userEnv
        self.secretEnv = secretEnv
        self.header = header
    }

    enum CodingKeys: String, CodingKey {
        case type, header
        case tokenEnv = "token_env", userEnv = "user_env", secretEnv = "secret_env"
    }

    /// The value of the environment variable a setting names. Errors name the variable, never a value.
    private func read(_ name: String?, _ what: String, _ environment: [String: String]) throws -> String {
        guard let name, !name.isEmpty else {
            throw CertGateError(.configuration, "auth of type '\(type.rawValue)' needs '\(what)' in the configuration")
        }
        guard let value = environment[name], !value.isEmpty else {
            throw CertGateError(.configuration, "the environment variable \(name) is not set")
        }
        return value
    }

    /// OAuth2 client credentials (`user_env`, `secret_env`) from the environment.
    public func clientCredentials(environment: [String: String]) throws -> (id: String, secret: Secret) {
        (try read(userEnv, "user_env", environment), Secret(try read(secretEnv, "secret_env", environment)))
    }

    /// Reads the secrets from the environment. Errors name the variable, never its value.
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> HTTPAuth? {
        func read(_ name: String?, _ what: String) throws -> String { try self.read(name, what, environment) }
        switch type {
        case .none, .oauth2ClientCredentials:
            return nil  // OAuth2 tokens are fetched by the adapter that speaks that flow.
        case .bearer:
            return .bearer(Secret(try read(tokenEnv, "token_env")))
        case .basic:
            return .basic(user: try read(userEnv, "user_env"), password: Secret(try read(secretEnv, "secret_env")))
        case .apiKey:
            guard let header, !header.isEmpty else {
                throw CertGateError(.configuration, "auth of type 'api_key' needs 'header' in the configuration")
            }
            return .apiKey(header: header, key: Secret(try read(tokenEnv, "token_env")))
        }
    }
}
