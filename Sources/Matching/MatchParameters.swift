import Foundation

/// The fields a result and a student are compared on.
public enum MatchField: String, Sendable, Codable, CaseIterable {
    case firstName = "first_name"
    case lastName = "last_name"
    case dateOfBirth = "date_of_birth"
    case email, school

    /// The levels this field can take besides `missing`, strongest first.
    public var levels: [FieldAgreement.Level] {
        switch self {
        case .firstName: [.exact, .nickname, .similar, .phonetic, .partial, .initial, .different]
        case .lastName: [.exact, .compound, .similar, .phonetic, .partial, .initial, .different]
        case .dateOfBirth: [.exact, .swappedDayMonth, .oneDigit, .yearOnly, .different]
        case .email, .school: [.exact, .different]
        }
    }

    var ordinal: Int {
        switch self {
        case .firstName: 0
        case .lastName: 1
        case .dateOfBirth: 2
        case .email: 3
        case .school: 4
        }
    }

    /// The field's level in an agreement.
    func level(_ agreement: FieldAgreement) -> FieldAgreement.Level {
        switch self {
        case .firstName: agreement.firstName
        case .lastName: agreement.lastName
        case .dateOfBirth: agreement.dateOfBirth
        case .email: agreement.email
        case .school: agreement.school
        }
    }

    /// Whether an exact agreement weighs by how common the value is in the roster (term frequency).
    var weighsExactByFrequency: Bool { self == .firstName || self == .lastName }
}

/// Fellegi–Sunter parameters: for each field and comparison level, m (how often a result and its
/// own student agree at that level) and u (how often a result and some other student do), and
/// the share of results whose student is in the roster at all. A level's weight is log2(m/u);
/// an exact name's u is instead the name's share of the roster (term frequency), so a common
/// surname counts for less than a rare one.
///
/// `config/matching.json` holds the starting parameters; each matching run learns its own from
/// the data in front of it (`ParameterTraining`) and keeps them with the run.
public struct MatchParameters: Sendable, Codable, Equatable {
    public struct Probabilities: Sendable, Codable, Equatable {
        public var m: Double
        public var u: Double

        public init(m: Double, u: Double) {
            self.m = m
            self.u = u
        }

        /// log2(m/u), in bits.
        public var weight: Double { log2(max(m, 1e-9) / max(u, 1e-9)) }
    }

    /// Field → level → probabilities (keys are the fields' and levels' JSON names).
    public var levels: [String: [String: Probabilities]]
    /// The share of results whose student is in the roster.
    public var inRoster: Double

    enum CodingKeys: String, CodingKey {
        case levels
        case inRoster = "in_roster"
    }

    public init(levels: [String: [String: Probabilities]], inRoster: Double) {
        self.levels = levels
        self.inRoster = inRoster
    }

    public subscript(field: MatchField, level: FieldAgreement.Level) -> Probabilities {
        get { levels[field.rawValue]?[level.rawValue] ?? Probabilities(m: 1, u: 1) }
        set { levels[field.rawValue, default: [:]][level.rawValue] = newValue }
    }

    /// A parameter missing from the file is a configuration error, named.
    func validated(source: String) throws -> MatchParameters {
        for field in MatchField.allCases {
            for level in field.levels {
                guard let value = levels[field.rawValue]?[level.rawValue] else {
                    throw MatchSettingsError("\(source): no parameters for \(field.rawValue) \(level.rawValue)")
                }
                guard value.m > 0, value.m < 1, value.u > 0, value.u < 1 else {
                    throw MatchSettingsError("\(source): \(field.rawValue) \(level.rawValue): m and u must be between 0 and 1 (exclusive)")
                }
            }
        }
        guard inRoster > 0, inRoster < 1 else { throw MatchSettingsError("\(source): in_roster must be between 0 and 1 (exclusive)") }
        return self
    }
}

/// Weights of one parameter set, laid out for scoring millions of pairs: a flat table by field
/// and level, and log2 m of the exact name levels (their u comes from the roster per student).
struct ScoreTable: Sendable {
    private var weights: [Double]
    let exactFirstLogM: Double
    let exactLastLogM: Double

    init(_ parameters: MatchParameters) {
        let levelCount = FieldAgreement.Level.allCases.count
        weights = Array(repeating: 0, count: MatchField.allCases.count * levelCount)
        for field in MatchField.allCases {
            for level in field.levels {
                weights[field.ordinal * levelCount + level.ordinal] = parameters[field, level].weight
            }
        }
        exactFirstLogM = log2(parameters[.firstName, .exact].m)
        exactLastLogM = log2(parameters[.lastName, .exact].m)
    }

    /// The weight of a level that does not depend on the student (0 for `missing`).
    @inline(__always) func weight(_ field: MatchField, _ level: FieldAgreement.Level) -> Double {
        weights[field.ordinal * FieldAgreement.Level.allCases.count + level.ordinal]
    }
}

public struct MatchSettingsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
