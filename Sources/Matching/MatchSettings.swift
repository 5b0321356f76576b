import Foundation

/// Weights and thresholds of the matcher, from `config/matching.json`.
///
/// Each weight is a Fellegi–Sunter log-likelihood ratio, log2(m/u): m is how often the field
/// agrees at that level for the same person, u how often for two different people. A match
/// score is the sum over fields; a missing value adds nothing.
public struct MatchSettings: Sendable, Codable {
    public struct FirstName: Sendable, Codable {
        public var nickname, similar, different: Double
    }
    public struct LastName: Sendable, Codable {
        public var compound, similar, different: Double
    }
    /// Exact name agreement weighs by how common the name is in the roster: log2(m / f), where
    /// f is the name's share of the roster smoothed towards `typical_frequency` (so a small
    /// roster does not make every name look rare), clamped to `minimum`…`maximum`.
    public struct NameFrequency: Sendable, Codable {
        public var m: Double
        public var typicalFrequency: Double
        public var smoothing: Double
        public var minimum: Double
        public var maximum: Double

        enum CodingKeys: String, CodingKey {
            case m, smoothing, minimum, maximum
            case typicalFrequency = "typical_frequency"
        }

        func weight(count: Int, rosterSize: Int) -> Double {
            let frequency = (Double(count) + smoothing * typicalFrequency) / (Double(rosterSize) + smoothing)
            return min(maximum, max(minimum, log2(m / frequency)))
        }
    }
    public struct DateOfBirth: Sendable, Codable {
        public var exact: Double
        public var swappedDayMonth: Double
        public var oneDigit: Double
        public var different: Double

        enum CodingKeys: String, CodingKey {
            case exact, different
            case swappedDayMonth = "swapped_day_month", oneDigit = "one_digit"
        }
    }
    public struct Agreement: Sendable, Codable {
        public var exact, different: Double
    }
    public struct Weights: Sendable, Codable {
        public var firstName: FirstName
        public var lastName: LastName
        public var dateOfBirth: DateOfBirth
        public var email: Agreement
        public var school: Agreement

        enum CodingKeys: String, CodingKey {
            case email, school
            case firstName = "first_name", lastName = "last_name", dateOfBirth = "date_of_birth"
        }
    }

    public var weights: Weights
    public var exactNames: NameFrequency
    /// Subtracted when first and last name only agree swapped.
    public var swappedNamesPenalty: Double
    /// Auto-match only at or above this score…
    public var autoThreshold: Double
    /// …and this far ahead of the runner-up.
    public var autoMargin: Double
    /// Below this, a result is unmatched; between this and auto, it goes to review.
    public var reviewThreshold: Double
    /// Jaro–Winkler similarity from which two names count as similar.
    public var similarNames: Double
    /// How many candidates a review task lists.
    public var reviewCandidates: Int

    enum CodingKeys: String, CodingKey {
        case weights
        case exactNames = "exact_names"
        case swappedNamesPenalty = "swapped_names_penalty", autoThreshold = "auto_threshold", autoMargin = "auto_margin"
        case reviewThreshold = "review_threshold", similarNames = "similar_names", reviewCandidates = "review_candidates"
    }

    public static func load(path: String) throws -> MatchSettings {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        return try JSONDecoder().decode(MatchSettings.self, from: data)
    }
}
