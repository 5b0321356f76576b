import CertGateCore
import Dispatch
import Foundation
import Matching
import Synchronization

/// Quality and speed of the matcher on synthetic data (see `SyntheticPeople` for the noise model).
enum MatchingBenchmark {
    struct Figures {
        var results = 0
        var truthInRoster = 0
        var auto = 0
        var autoCorrect = 0
        var review = 0
        var reviewWithTruth = 0
        var unmatched = 0
        var pairs = 0
        var seconds = 0.0
        var trainingSeconds = 0.0
        var indexSeconds = 0.0
        /// The sum of the automatic matches' probabilities: the precision they promise.
        var expectedCorrect = 0.0
        var expectedPrecision: Double { auto == 0 ? 1 : expectedCorrect / Double(auto) }

        var precision: Double { auto == 0 ? 1 : Double(autoCorrect) / Double(auto) }
        var recall: Double { Double(autoCorrect) / Double(max(1, truthInRoster)) }
        var coverage: Double { Double(autoCorrect + reviewWithTruth) / Double(max(1, truthInRoster)) }
    }

    /// A synthetic roster and results: 95% of results are roster students (with noise), 5% people
    /// the district does not have (truth nil).
    static func data(students: Int, results: Int, seed: UInt64) -> (roster: [RosterPerson], people: [SyntheticPeople.Person],
        queries: [(ResultPerson, String?)])
    {
        var people = SyntheticPeople(random: SeededRandom(seed: seed))
        let roster = people.roster(count: students)
        let rosterPeople = roster.enumerated().map { index, person in
            RosterPerson(
                studentID: "S\(index)", firstName: person.first, middleName: person.middle, lastName: person.last,
                dateOfBirth: person.dateOfBirth, email: nil, school: nil)
        }
        var queries: [(ResultPerson, String?)] = []
        queries.reserveCapacity(results)
        for _ in 0..<results {
            if people.random.chance(0.05) {
                let stranger = people.noisy(people.person())
                queries.append((ResultPerson(firstName: stranger.first, lastName: stranger.last, dateOfBirth: stranger.dateOfBirth,
                    email: nil, testingSite: nil, studentID: nil), nil))
            } else {
                let index = Int.random(in: 0..<roster.count, using: &people.random)
                let typed = people.noisy(roster[index])
                queries.append((ResultPerson(firstName: typed.first, lastName: typed.last, dateOfBirth: typed.dateOfBirth,
                    email: nil, testingSite: nil, studentID: nil), "S\(index)"))
            }
        }
        return (rosterPeople, roster, queries)
    }

    static func run(students: Int, results: Int, seed: UInt64, settings: MatchSettings, nicknames: NicknameTable, debug: Bool = false) -> Figures {
        let (rosterPeople, roster, queries) = data(students: students, results: results, seed: seed)

        let start = DispatchTime.now().uptimeNanoseconds
        let untrained = Matcher(students: rosterPeople, settings: settings, nicknames: nicknames)
        let indexed = DispatchTime.now().uptimeNanoseconds
        let (parameters, training) = ParameterTraining.train(untrained, results: queries.map(\.0))
        let matcher = untrained.using(parameters)
        let trainingSeconds = Double(DispatchTime.now().uptimeNanoseconds - indexed) / 1e9
        let indexSeconds = Double(indexed - start) / 1e9
        if debug { print("TRAINING \(training) in \(trainingSeconds) s") }
        // Both cores: results are independent, so chunks are matched in parallel.
        let chunks = 64
        let partial = Mutex<[Figures]>([])
        let frozen = queries
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var figures = Figures()
            let range = stride(from: chunk, to: frozen.count, by: chunks)
            for index in range {
                let (query, truth) = frozen[index]
                let decision = matcher.match(query, pairsCompared: &figures.pairs)
                figures.results += 1
                if truth != nil { figures.truthInRoster += 1 }
                if debug, decision.status == .matched ? decision.studentID != truth : (truth != nil && !decision.candidates.contains { $0.studentID == truth }) {
                    let truthIndex = truth.flatMap { Int($0.dropFirst()) }
                    print("MISS \(decision.status) \(decision.method?.rawValue ?? "-") got \(decision.studentID ?? "-") truth \(truth ?? "-") q=\(query) t=\(truthIndex.map { "\(roster[$0])" } ?? "-") cands=\(decision.candidates.prefix(2).map { "\($0.studentID) \($0.score) \($0.fields.summary)" })")
                }
                switch decision.status {
                case .matched:
                    figures.auto += 1
                    figures.expectedCorrect += decision.probability ?? 1
                    if decision.studentID == truth { figures.autoCorrect += 1 }
                case .review:
                    figures.review += 1
                    if let truth, decision.candidates.contains(where: { $0.studentID == truth }) { figures.reviewWithTruth += 1 }
                case .unmatched:
                    figures.unmatched += 1
                }
            }
            partial.withLock { $0.append(figures) }
        }
        var total = Figures()
        for figures in partial.withLock({ $0 }) {
            total.results += figures.results
            total.truthInRoster += figures.truthInRoster
            total.auto += figures.auto
            total.autoCorrect += figures.autoCorrect
            total.review += figures.review
            total.reviewWithTruth += figures.reviewWithTruth
            total.unmatched += figures.unmatched
            total.pairs += figures.pairs
            total.expectedCorrect += figures.expectedCorrect
        }
        total.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        total.trainingSeconds = trainingSeconds
        total.indexSeconds = indexSeconds
        return total
    }
}
