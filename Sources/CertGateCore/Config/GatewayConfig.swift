public import Foundation

/// The gateway's settings, read from `config/gateway.json`.
///
/// Holds no secrets: credentials are named here only by the environment variables that hold them.
public struct GatewayConfig: Sendable, Codable {
    /// How the HTTP client behaves towards providers.
    public struct HTTP: Sendable, Codable {
        public var connectTimeoutSeconds: Double = 15
        public var timeoutSeconds: Double = 300
        /// A transfer slower than this many bytes per second for `lowSpeedSeconds` is aborted.
        public var lowSpeedBytesPerSecond: Int = 1
        public var lowSpeedSeconds: Int = 60
        public var maxResponseBytes: Int = 50 * 1024 * 1024
        /// A CA bundle to trust instead of the system's (a district's TLS-inspecting proxy).
        public var caBundle: String? = nil
        public var maxAttempts: Int = 4
        public var retryBaseDelaySeconds: Double = 1
        public var retryMaxDelaySeconds: Double = 60
        public var perHostConnections: Int = 4

        public init() {}

        enum CodingKeys: String, CodingKey {
            case connectTimeoutSeconds = "connect_timeout_seconds", timeoutSeconds = "timeout_seconds"
            case lowSpeedBytesPerSecond = "low_speed_bytes_per_second", lowSpeedSeconds = "low_speed_seconds"
            case maxResponseBytes = "max_response_bytes", caBundle = "ca_bundle", maxAttempts = "max_attempts"
            case retryBaseDelaySeconds = "retry_base_delay_seconds", retryMaxDelaySeconds = "retry_max_delay_seconds"
            case perHostConnections = "per_host_connections"
        }
    }

    /// The header names each roster and enrollment field may have in an SIS export.
    public struct Roster: Sendable, Codable {
        public var studentColumns: [String: [String]]
        public var enrollmentColumns: [String: [String]]
        /// Values that mean "yes" in a concentrator column (compared case-insensitively).
        public var trueValues: [String]

        enum CodingKeys: String, CodingKey {
            case studentColumns = "student_columns", enrollmentColumns = "enrollment_columns"
            case trueValues = "true_values"
        }
    }

    /// Where and how certificate PDFs are kept.
    public struct Evidence: Sendable, Codable {
        /// The evidence folder; relative paths are taken from the database's folder, and nil
        /// means `evidence/` beside the database.
        public var directory: String?
        public var maxPDFBytes: Int = 10 * 1024 * 1024
        /// What to do with a PDF holding JavaScript, launch actions or embedded files.
        public var riskyPDF: RiskyPDF = .reject

        public enum RiskyPDF: String, Sendable, Codable {
            /// Refuse it; nothing of it is kept.
            case reject
            /// Keep it apart (never as evidence) and raise a task for a person to look.
            case quarantine
        }

        public init() {}

        enum CodingKeys: String, CodingKey {
            case directory
            case maxPDFBytes = "max_pdf_bytes", riskyPDF = "risky_pdf"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            directory = try container.decodeIfPresent(String.self, forKey: .directory)
            maxPDFBytes = try container.decodeIfPresent(Int.self, forKey: .maxPDFBytes) ?? 10 * 1024 * 1024
            riskyPDF = try container.decodeIfPresent(RiskyPDF.self, forKey: .riskyPDF) ?? .reject
        }
    }

    /// The staff web console (`certgate serve`).
    public struct Console: Sendable, Codable {
        /// PEM files for HTTPS served by CertGate itself; without them the console speaks plain
        /// HTTP and belongs behind a reverse proxy that terminates TLS. The key must be readable
        /// by its owner only.
        public var tlsCertificate: String?
        public var tlsKey: String?
        /// Mark the session cookie `Secure`: nil means when the console serves HTTPS itself; set
        /// it true behind a reverse proxy that terminates TLS.
        public var secureCookies: Bool?
        public var idleMinutes: Double = 30
        public var absoluteHours: Double = 10

        public init() {}

        enum CodingKeys: String, CodingKey {
            case tlsCertificate = "tls_certificate", tlsKey = "tls_key", secureCookies = "secure_cookies", idleMinutes = "idle_minutes", absoluteHours = "absolute_hours"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            tlsCertificate = try container.decodeIfPresent(String.self, forKey: .tlsCertificate)
            tlsKey = try container.decodeIfPresent(String.self, forKey: .tlsKey)
            secureCookies = try container.decodeIfPresent(Bool.self, forKey: .secureCookies)
            idleMinutes = try container.decodeIfPresent(Double.self, forKey: .idleMinutes) ?? 30
            absoluteHours = try container.decodeIfPresent(Double.self, forKey: .absoluteHours) ?? 10
        }
    }

    /// Teachers' logs (`certgate logs import`): the header names each column may have.
    public struct TeacherLogs: Sendable, Codable {
        public var columns: [String: [String]]

        public init() {
            columns = [
                "student_id": ["Student ID", "Student Number", "Local ID"],
                "state_student_id": ["State Student Number", "State Student ID", "State ID", "FLEID", "SSID"],
                "student_name": ["Student Name", "Student", "Name"],
                "credential": ["Certificate or Component Earned", "Certification", "Certificate", "Credential", "Industry Certification",
                               "Credential Code"],
                "exam_date": ["Exam Date", "Date", "Date Earned", "Test Date"],
                "outcome": ["Result", "Pass/Fail", "Passed", "Outcome"],
                "proctor": ["Exam Proctor", "Proctor", "Proctored By"],
                "teacher": ["CTE Course Teacher", "Teacher", "Course Teacher", "Instructor"],
                "course": ["Course Name", "Course", "Course Number"],
            ]
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            columns = try container.decodeIfPresent([String: [String]].self, forKey: .columns) ?? TeacherLogs().columns
        }
    }

    /// A certificate report exported from the SIS (`certgate reconcile --sis`): header names.
    public struct SISReport: Sendable, Codable {
        public var columns: [String: [String]]

        public init() {
            columns = [
                "student_id": ["Student ID", "Other ID", "Student Number", "Local ID"],
                "state_student_id": ["State Student ID", "FLEID", "State ID", "SSID"],
                "credential": ["Industry Certification", "Certification", "Certification Code", "Industry Certification ID", "Credential",
                               "Credential Code"],
                "date": ["Date Earned", "Completion Date", "Earned Date", "Date"],
            ]
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            columns = try container.decodeIfPresent([String: [String]].self, forKey: .columns) ?? SISReport().columns
        }
    }

    public var http: HTTP
    public var sisReport: SISReport
    public var roster: Roster
    public var evidence: Evidence
    public var console: Console
    public var teacherLogs: TeacherLogs

    enum CodingKeys: String, CodingKey {
        case http, roster, evidence, console
        case teacherLogs = "teacher_logs", sisReport = "sis_report"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        http = try container.decodeIfPresent(HTTP.self, forKey: .http) ?? HTTP()
        roster = try container.decode(Roster.self, forKey: .roster)
        evidence = try container.decodeIfPresent(Evidence.self, forKey: .evidence) ?? Evidence()
        console = try container.decodeIfPresent(Console.self, forKey: .console) ?? Console()
        teacherLogs = try container.decodeIfPresent(TeacherLogs.self, forKey: .teacherLogs) ?? TeacherLogs()
        sisReport = try container.decodeIfPresent(SISReport.self, forKey: .sisReport) ?? SISReport()
    }

    /// Reads `gateway.json` from a configuration folder.
    public static func load(directory: String) throws -> GatewayConfig {
        let path = (directory as NSString).appendingPathComponent("gateway.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CertGateError(
                .configuration, "cannot read '\(path)'; pass --config DIR with the folder that holds gateway.json")
        }
        return try decode(data, name: path)
    }

    /// Decodes configuration JSON; errors name the file and the key path that is wrong.
    public static func decode(_ data: Data, name: String) throws -> GatewayConfig {
        let decoder = JSONDecoder()
        do {
            return try decoder.decode(GatewayConfig.self, from: data)
        } catch let error as DecodingError {
            throw CertGateError(.configuration, "\(name): \(error.readableDescription)")
        }
    }
}

extension GatewayConfig.HTTP {
    public init(from decoder: any Decoder) throws {
        // Every setting is optional in the file; missing ones keep their defaults.
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = GatewayConfig.HTTP()
        connectTimeoutSeconds =
            try container.decodeIfPresent(Double.self, forKey: .connectTimeoutSeconds) ?? defaults.connectTimeoutSeconds
        timeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? defaults.timeoutSeconds
        lowSpeedBytesPerSecond =
            try container.decodeIfPresent(Int.self, forKey: .lowSpeedBytesPerSecond) ?? defaults.lowSpeedBytesPerSecond
        lowSpeedSeconds = try container.decodeIfPresent(Int.self, forKey: .lowSpeedSeconds) ?? defaults.lowSpeedSeconds
        maxResponseBytes = try container.decodeIfPresent(Int.self, forKey: .maxResponseBytes) ?? defaults.maxResponseBytes
        caBundle = try container.decodeIfPresent(String.self, forKey: .caBundle)
        maxAttempts = try container.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? defaults.maxAttempts
        retryBaseDelaySeconds =
            try container.decodeIfPresent(Double.self, forKey: .retryBaseDelaySeconds) ?? defaults.retryBaseDelaySeconds
        retryMaxDelaySeconds =
            try container.decodeIfPresent(Double.self, forKey: .retryMaxDelaySeconds) ?? defaults.retryMaxDelaySeconds
        perHostConnections =
            try container.decodeIfPresent(Int.self, forKey: .perHostConnections) ?? defaults.perHostConnections
    }
}

extension DecodingError {
    /// "at http.timeout_seconds: expected a number" rather than Foundation's debug dump.
    public var readableDescription: String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case .typeMismatch(let type, let context):
            return "at \(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "at \(path(context.codingPath)): missing \(type) value"
        case .keyNotFound(let key, let context):
            return "at \(path(context.codingPath)): missing key '\(key.stringValue)'"
        case .dataCorrupted(let context):
            return "at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(self)"
        }
    }
}
