import Foundation

/// The matcher's configuration, from `config/matching.json`: the starting Fellegi–Sunter
/// parameters (what a run assumes before it has seen data, and what a small run stays close to),
/// how a run learns its own, and the decision thresholds as match probabilities.
public struct MatchSettings: Sendable, Codable {
    /// Exact name agreement weighs by how common the name is in the roster: log2(m / f), where
    /// f is the share of other students with the name, smoothed towards `typical_frequency` (so a small
    /// roster does not make every name look rare), clamped to `minimum`…`maximum` bits.
    public struct NameFrequency: Sendable, Codable {
        public var typicalFrequency: Double
        public var smoothing: Double
        public var minimum: Double
        public var maximum: Double

        enum CodingKeys: String, CodingKey {
            case smoothing, minimum, maximum
            case typicalFrequency = "typical_frequency"
        }

        /// log2 of the chance that another student of the roster has a name `count` students have
        /// (the student's own name is not counted), smoothed.
        func logFrequency(count: Int, rosterSize: Int) -> Double {
            log2((Double(max(0, count - 1)) + smoothing * typicalFrequency) / (Double(rosterSize) + smoothing))
        }

        func weight(logM: Double, logFrequency: Double) -> Double {
            min(maximum, max(minimum, logM - logFrequency))
        }
    }

    /// How a run learns its parameters (`ParameterTraining`).
    public struct Training: Sendable, Codable {
        /// Pseudo-pairs that hold each estimate towards the starting parameters: a run of a few
        /// dozen results stays close to them, a run of thousands learns its own.
        public var priorStrength: Double
        /// At most this many of the run's results train (an even spread over the run).
        public var sampleResults: Int
        /// Random result–student pairs that estimate u.
        public var randomPairs: Int
        public var maximumIterations: Int
        public var seed: UInt64

        enum CodingKeys: String, CodingKey {
            case seed
            case priorStrength = "prior_strength", sampleResults = "sample_results", randomPairs = "random_pairs"
            case maximumIterations = "maximum_iterations"
        }
    }

    public var startingParameters: MatchParameters
    public var training: Training
    public var exactNames: NameFrequency
    /// The prior assumes results come from at least this many people, however small the roster:
    /// a ten-student test roster does not make a surname alone conclusive.
    public var minimumPopulation: Int
    /// Subtracted (bits) when first and last name only agree swapped.
    public var swappedNamesPenalty: Double
    /// Auto-match only when the best candidate's match probability is at least this…
    public var autoProbability: Double
    /// …and this much above the runner-up's.
    public var autoMargin: Double
    /// Below this, a result is unmatched; between this and auto, it goes to review.
    public var reviewProbability: Double
    /// Jaro–Winkler similarity from which two names count as `similar`…
    public var similarNames: Double
    /// …and from which as `partial`.
    public var partlySimilarNames: Double
    /// How many candidates a review task lists.
    public var reviewCandidates: Int

    enum CodingKeys: String, CodingKey {
        case training
        case startingParameters = "starting_parameters", exactNames = "exact_names", minimumPopulation = "minimum_population"
        case swappedNamesPenalty = "swapped_names_penalty", autoProbability = "auto_probability", autoMargin = "auto_margin"
        case reviewProbability = "review_probability", similarNames = "similar_names", partlySimilarNames = "partly_similar_names"
        case reviewCandidates = "review_candidates"
    }

    public static func load(path: String) throws -> MatchSettings {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        var settings = try JSONDecoder().decode(MatchSettings.self, from: data)
        settings.startingParameters = try settings.startingParameters.validated(source: path)
        for (name, value) in [("auto_probability", settings.autoProbability), ("review_probability", settings.reviewProbability)]
        where !(value > 0 && value < 1) {
            throw MatchSettingsError("\(path): \(name) must be a probability between 0 and 1 (exclusive), not \(value)")
        }
        guard settings.reviewProbability < settings.autoProbability else {
            throw MatchSettingsError("\(path): review_probability must be below auto_probability")
        }
        return settings
    }
}
