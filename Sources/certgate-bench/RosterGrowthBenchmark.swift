import CertGateCore
import Foundation
import Matching

/// Stability as the roster grows: results are matched against a roster, then again after
/// unrelated students are added (a new school year's roster). A result that was in review may
/// become an automatic match to one of the new students only if that student agrees at least as
/// well on given name, surname and date of birth as the best candidate before.
enum RosterGrowthBenchmark {
    struct Figures {
        var inReview = 0
        /// Review before, automatic to a new student after…
        var jumped = 0
        /// …of which to a student who does not agree at least as well.
        var jumpedToWeaker = 0
        /// Automatic before, automatic to another student after.
        var changedAutomatic = 0
    }

    static func run(students: Int, added: Int, results: Int, seed: UInt64, settings: MatchSettings, nicknames: NicknameTable) -> Figures {
        let (roster, _, queries) = MatchingBenchmark.data(students: students, results: results, seed: seed)
        var newcomers = SyntheticPeople(random: SeededRandom(seed: seed &+ 7919))
        let grown = roster + newcomers.roster(count: added).enumerated().map { index, person in
            RosterPerson(
                studentID: "N\(index)", firstName: person.first, middleName: person.middle, lastName: person.last,
                dateOfBirth: person.dateOfBirth, email: nil, school: nil)
        }
        let persons = queries.map(\.0)
        func trained(_ students: [RosterPerson]) -> Matcher {
            let matcher = Matcher(students: students, settings: settings, nicknames: nicknames)
            return matcher.using(ParameterTraining.train(matcher, results: persons).0)
        }
        let before = trained(roster), after = trained(grown)
        var figures = Figures()
        var pairs = 0
        for person in persons {
            let old = before.match(person, pairsCompared: &pairs)
            let new = after.match(person, pairsCompared: &pairs)
            if old.status == .matched {
                if new.status == .matched && new.studentID != old.studentID { figures.changedAutomatic += 1 }
                continue
            }
            guard old.status == .review else { continue }
            figures.inReview += 1
            guard new.status == .matched, let id = new.studentID, id.hasPrefix("N"), let chosen = new.candidates.first else { continue }
            figures.jumped += 1
            if let previous = old.candidates.first, !atLeastAsGood(chosen.fields, previous.fields) { figures.jumpedToWeaker += 1 }
        }
        return figures
    }

    /// Each of given name, surname and date of birth agrees at least as strongly.
    static func atLeastAsGood(_ a: FieldAgreement, _ b: FieldAgreement) -> Bool {
        let order = FieldAgreement.Level.allCases
        func rank(_ level: FieldAgreement.Level) -> Int { order.firstIndex(of: level)! }
        return rank(a.firstName) <= rank(b.firstName) && rank(a.lastName) <= rank(b.lastName)
            && rank(a.dateOfBirth) <= rank(b.dateOfBirth)
    }
}
