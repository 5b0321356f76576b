import Foundation

/// A result staff decided: `certgate match link` (it is this student's) or `match reject` (it
/// is no roster student's: `studentID` nil).
public struct LabelledPair: Sendable {
    public var person: ResultPerson
    public var studentID: String?

    public init(person: ResultPerson, studentID: String?) {
        self.person = person
        self.studentID = studentID
    }
}

/// What a run's parameters were learned from, kept with them.
public struct TrainingReport: Sendable, Codable, Equatable {
    /// Results in the training sample, and the candidate pairs blocking found for them.
    public var results = 0
    public var candidatePairs = 0
    /// Result–student pairs that estimated u (all of them when there are few, else a random sample).
    public var randomPairs = 0
    public var iterations = 0
    public var converged = false
    /// Staff decisions used: links count as true pairs; each is also checked against the trained
    /// parameters (a link agrees when its student is matched or among the candidates offered, a
    /// rejection when the result is not matched automatically to anyone).
    public var staffLinks = 0
    public var staffLinksAgreeing = 0
    public var staffRejections = 0
    public var staffRejectionsAgreeing = 0

    enum CodingKeys: String, CodingKey {
        case results, iterations, converged
        case candidatePairs = "candidate_pairs", randomPairs = "random_pairs", staffLinks = "staff_links"
        case staffLinksAgreeing = "staff_links_agreeing", staffRejections = "staff_rejections"
        case staffRejectionsAgreeing = "staff_rejections_agreeing"
    }

    public init() {}
}

/// Learns a run's Fellegi–Sunter parameters from its own results, without labels
/// (expectation–maximisation), so the weights fit the errors in the data at hand rather than
/// the errors CertGate's authors imagined.
///
/// - u (agreement by chance) is counted over random result–student pairs: nearly all of them are
///   different people.
/// - m (agreement of the same person) and the share of results whose student is in the roster
///   are estimated over the candidate pairs blocking finds, knowing that a result is at most one
///   student: each iteration gives every candidate its probability of being the result's student
///   under the current parameters (E), then re-counts the levels weighted by those probabilities (M).
/// - Every estimate starts from, and is held towards, `config/matching.json`'s starting parameters
///   by `prior_strength` pseudo-pairs, so a run of a few dozen results stays close to them.
/// - Staff links add their pairs as certain matches.
///
/// Deterministic: the sample is an even spread over the results and the random pairs come from a
/// seeded generator, so the same run trains the same parameters.
public enum ParameterTraining {
    /// A share of results is always assumed to belong to nobody in the roster: a data set in which
    /// every result matches must not make a lone weak candidate certain.
    static let maximumInRoster = 0.98
    static let minimumInRoster = 0.05

    public static func train(_ matcher: Matcher, results: [ResultPerson], labels: [LabelledPair] = []) -> (MatchParameters, TrainingReport) {
        let settings = matcher.settings
        let roster = matcher.roster
        let start = normalized(settings.startingParameters)
        var report = TrainingReport()
        guard !results.isEmpty, !roster.students.isEmpty else { return (start, report) }
        let strength = settings.training.priorStrength

        // u: level frequencies over random pairs, held towards the starting u.
        // Every pair when there are few (a small run would otherwise count the same pairs again
        // and again, as if it knew more than it does), else a seeded sample.
        var chance = LevelCounts()
        func count(_ result: ResultPerson, _ student: RosterPerson) {
            chance.add(roster.comparison.compare(result, student), weight: 1, single: student.hasSingleName)
        }
        if results.count * roster.students.count <= settings.training.randomPairs {
            for result in results { for student in roster.students { count(result, student) } }
            report.randomPairs = results.count * roster.students.count
        } else {
            var random = SplitMix64(seed: settings.training.seed)
            for _ in 0..<settings.training.randomPairs {
                count(results[Int(random.next() % UInt64(results.count))], roster.students[Int(random.next() % UInt64(roster.students.count))])
            }
            report.randomPairs = settings.training.randomPairs
        }
        // A random pair is the result's own student with probability in-roster / roster size: in a
        // school's roster of a few hundred that is most of the pairs agreeing exactly on a birth
        // date, so the expected true pairs are taken out of the chance counts with each new m.
        let ownStudent = 1 / Double(roster.students.count)
        func chanceEstimates(_ parameters: inout MatchParameters) {
            for field in MatchField.allCases {
                for level in field.levels {
                    parameters[field, level].u = chance.estimate(
                        field, level, prior: start[field, level].u, strength: strength,
                        excluding: ownStudent * parameters.inRoster, alike: parameters[field, level].m)
                }
            }
        }
        var parameters = start
        chanceEstimates(&parameters)

        // The candidate pairs of an even spread of the run's results: the students the matcher
        // itself would weigh for each, under the starting parameters.
        let step = max(1, results.count / max(1, settings.training.sampleResults))
        var groups: [[Pair]] = []
        var compared = 0
        for index in stride(from: 0, to: results.count, by: step) {
            let pairs = matcher.probabilisticCandidates(results[index], pairsCompared: &compared).compactMap { candidate -> Pair? in
                guard let student = roster.byID[candidate.studentID] else { return nil }
                return Pair(fields: candidate.fields, names: matcher.nameFrequency(student))
            }
            report.candidatePairs += pairs.count
            if !pairs.isEmpty { groups.append(pairs) }
        }
        report.results = (results.count + step - 1) / step

        var links = LevelCounts()
        for label in labels {
            guard let student = label.studentID.flatMap({ roster.byID[$0] }) else { continue }
            let person = roster.students[Int(student)]
            links.add(roster.comparison.compare(label.person, person), weight: 1, single: person.hasSingleName)
        }

        // Expectation–maximisation of m and the share in the roster.
        for iteration in 1...max(1, settings.training.maximumIterations) {
            let current = matcher.using(parameters)
            var counts = links
            var expectedMatches = 0.0
            for pairs in groups {
                let weights = current.probabilities(pairs.map { current.score($0.fields, names: $0.names) })
                for (pair, weight) in zip(pairs, weights) where weight > 1e-6 {
                    counts.add(pair.fields, weight: weight, single: pair.names.single)
                    expectedMatches += weight
                }
            }
            var next = parameters
            var change = 0.0
            for field in MatchField.allCases {
                for level in field.levels {
                    let m = counts.estimate(field, level, prior: start[field, level].m, strength: strength)
                    change = max(change, abs(m - parameters[field, level].m))
                    next[field, level].m = m
                }
            }
            let share = (expectedMatches + strength * start.inRoster) / (Double(report.results) + strength)
            next.inRoster = min(maximumInRoster, max(minimumInRoster, share))
            change = max(change, abs(next.inRoster - parameters.inRoster))
            chanceEstimates(&next)
            parameters = next
            report.iterations = iteration
            if change < 1e-4 {
                report.converged = true
                break
            }
        }

        // Staff decisions checked against what was learned.
        let trained = matcher.using(parameters)
        for label in labels {
            var pairs = 0
            let decision = trained.match(label.person, pairsCompared: &pairs)
            if let student = label.studentID {
                guard roster.byID[student] != nil else { continue }
                report.staffLinks += 1
                if decision.status == .matched ? decision.studentID == student : decision.candidates.contains(where: { $0.studentID == student }) {
                    report.staffLinksAgreeing += 1
                }
            } else {
                report.staffRejections += 1
                if decision.status != .matched { report.staffRejectionsAgreeing += 1 }
            }
        }
        return (parameters, report)
    }

    private struct Pair {
        var fields: FieldAgreement
        var names: StudentNameFrequency
    }

    /// Weighted counts of each field's levels (missing values left out).
    private struct LevelCounts {
        private var counts = Array(repeating: Array(repeating: 0.0, count: FieldAgreement.Level.allCases.count), count: MatchField.allCases.count)
        private var totals = Array(repeating: 0.0, count: MatchField.allCases.count)

        mutating func add(_ fields: FieldAgreement, weight: Double, single: Bool) {
            for field in MatchField.allCases {
                let level = field.level(fields)
                // A student with one name has no given name to agree or differ.
                if level == .missing || (single && field == .firstName) { continue }
                counts[field.ordinal][level.ordinal] += weight
                totals[field.ordinal] += weight
            }
        }

        /// The level's share, held towards `prior` by `strength` pseudo-counts; `excluding` is the
        /// share of the pairs expected to be true pairs, which agree at this level `alike` often.
        func estimate(
            _ field: MatchField, _ level: FieldAgreement.Level, prior: Double, strength: Double, excluding: Double = 0, alike: Double = 0
        ) -> Double {
            let total = totals[field.ordinal]
            let count = max(0, counts[field.ordinal][level.ordinal] - total * excluding * alike)
            return (count + strength * prior) / (total * (1 - excluding) + strength)
        }
    }

    /// The starting parameters with each field's m and u summing to 1.
    private static func normalized(_ parameters: MatchParameters) -> MatchParameters {
        var result = parameters
        for field in MatchField.allCases {
            let m = field.levels.reduce(0) { $0 + parameters[field, $1].m }
            let u = field.levels.reduce(0) { $0 + parameters[field, $1].u }
            for level in field.levels {
                result[field, level] = .init(m: parameters[field, level].m / m, u: parameters[field, level].u / u)
            }
        }
        return result
    }
}

/// SplitMix64: a small, seeded, reproducible random source.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
