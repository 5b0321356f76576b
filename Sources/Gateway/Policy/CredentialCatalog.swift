import CertGateCore
import Foundation

/// A credential students earn, from `config/credentials.json`.
public struct Credential: Sendable, Codable {
    /// A credential earned from components: all of them, or any `required` of them.
    public struct Bundle: Sendable, Codable {
        public var allOf: [String]?
        public var anyOf: [String]?
        public var required: Int?

        enum CodingKeys: String, CodingKey {
            case required
            case allOf = "all_of", anyOf = "any_of"
        }

        var components: [String] { allOf ?? anyOf ?? [] }
        var needed: Int { allOf != nil ? components.count : (required ?? components.count) }
    }

    public var code: String
    public var name: String
    public var type: String
    /// The provider ID that issues it (as in `gateway.json`).
    public var provider: String
    /// The provider's exam codes that earn it.
    public var examCodes: [String]
    /// The state's code for it (e.g. Florida's 8-character identifier); nil when the state has none.
    public var stateCode: String?
    /// Course numbers aligned with it.
    public var courses: [String]
    public var validYears: Int?
    public var perkinsReportable: Bool
    public var bundle: Bundle?

    enum CodingKeys: String, CodingKey {
        case code, name, type, provider, courses, bundle
        case examCodes = "exam_codes", stateCode = "state_code", validYears = "valid_years"
        case perkinsReportable = "perkins_reportable"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "industry certification"
        provider = try container.decode(String.self, forKey: .provider)
        examCodes = try container.decodeIfPresent([String].self, forKey: .examCodes) ?? []
        stateCode = try container.decodeIfPresent(String.self, forKey: .stateCode)
        courses = try container.decodeIfPresent([String].self, forKey: .courses) ?? []
        validYears = try container.decodeIfPresent(Int.self, forKey: .validYears)
        perkinsReportable = try container.decodeIfPresent(Bool.self, forKey: .perkinsReportable) ?? false
        bundle = try container.decodeIfPresent(Bundle.self, forKey: .bundle)
    }
}

/// The credential catalog: which exams earn which credentials.
public struct CredentialCatalog: Sendable {
    public let credentials: [Credential]
    private let byCode: [String: Credential]
    private let byExam: [String: [Credential]]

    public init(credentials: [Credential]) throws {
        self.credentials = credentials
        var byCode: [String: Credential] = [:]
        var byExam: [String: [Credential]] = [:]
        for credential in credentials {
            guard byCode.updateValue(credential, forKey: credential.code) == nil else {
                throw CertGateError(.configuration, "credentials.json: credential '\(credential.code)' is listed twice")
            }
            for exam in credential.examCodes { byExam["\(credential.provider)\u{1F}\(exam)", default: []].append(credential) }
        }
        for credential in credentials {
            for component in credential.bundle?.components ?? [] where byCode[component] == nil {
                throw CertGateError(
                    .configuration, "credentials.json: bundle '\(credential.code)' names unknown component '\(component)'")
            }
        }
        self.byCode = byCode
        self.byExam = byExam
    }

    public static func load(directory: String) throws -> CredentialCatalog {
        struct File: Decodable { var credentials: [Credential] }
        let path = (directory as NSString).appendingPathComponent("credentials.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CertGateError(.configuration, "cannot read '\(path)'")
        }
        do {
            return try CredentialCatalog(credentials: JSONDecoder().decode(File.self, from: data).credentials)
        } catch let error as DecodingError {
            throw CertGateError(.configuration, "\(path): \(error.readableDescription)")
        }
    }

    public func credential(_ code: String) -> Credential? { byCode[code] }

    /// The credentials a provider's exam earns (none when the exam is not in the catalog).
    public func credentials(provider: String, exam: String) -> [Credential] { byExam["\(provider)\u{1F}\(exam)"] ?? [] }

    public var bundles: [Credential] { credentials.filter { $0.bundle != nil } }
}
