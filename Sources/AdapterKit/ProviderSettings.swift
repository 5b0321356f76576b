public import CertGateCore
public import Fetch
public import Foundation

/// One provider as configured in `config/gateway.json`. Another provider of a known style is
/// only another entry here.
public struct ProviderSettings: Sendable, Codable {
    /// Stable identifier used on the command line and in the database, e.g. `certiport`.
    public var id: String
    public var name: String
    /// The adapter that reads this provider's reports.
    public var style: String
    public var baseURL: String
    public var auth: AuthSettings
    /// The testing sites' time zone, for report times written without one.
    public var timeZone: String
    /// Each pull starts this many days before the last one ended, to catch late results.
    public var overlapDays: Int
    /// Where the first pull starts when no `--since` is given.
    public var initialSince: CalendarDate?
    /// Extra header names per canonical column (`"exam_date": ["Date Taken"]`).
    public var columns: [String: [String]]
    /// Whether `certgate pull` includes this provider when no `--provider` is named.
    public var enabled: Bool

    public init(
        id: String, name: String, style: String, baseURL: String, auth: AuthSettings = AuthSettings(type: .none),
        timeZone: String = "UTC", overlapDays: Int = 3, initialSince: CalendarDate? = nil, columns: [String: [String]] = [:],
        enabled: Bool = true
    ) {
        self.id = id
        self.name = name
        self.style = style
        self.baseURL = baseURL
        self.auth = auth
        self.timeZone = timeZone
        self.overlapDays = overlapDays
        self.initialSince = initialSince
        self.columns = columns
        self.enabled = enabled
    }

    enum CodingKeys: String, CodingKey {
        case id, name, style, auth, columns, enabled
        case baseURL = "base_url", timeZone = "time_zone", overlapDays = "overlap_days", initialSince = "initial_since"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? id
        style = try container.decode(String.self, forKey: .style)
        baseURL = try container.decodeIfPresent(String.self, forKey: .baseURL) ?? ""
        auth = try container.decodeIfPresent(AuthSettings.self, forKey: .auth) ?? AuthSettings(type: .none)
        timeZone = try container.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
        overlapDays = try container.decodeIfPresent(Int.self, forKey: .overlapDays) ?? 3
        initialSince = try container.decodeIfPresent(CalendarDate.self, forKey: .initialSince)
        columns = try container.decodeIfPresent([String: [String]].self, forKey: .columns) ?? [:]
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
    }

    /// The configured time zone; an unknown name is a configuration error.
    public func resolvedTimeZone() throws -> TimeZone {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw CertGateError(.configuration, "provider '\(id)': unknown time zone '\(timeZone)' (use e.g. America/New_York)")
        }
        return zone
    }

    /// `baseURL` joined with a path, with exactly one slash between them.
    public func url(_ path: String) -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return base + (path.hasPrefix("/") ? path : "/" + path)
    }
}
