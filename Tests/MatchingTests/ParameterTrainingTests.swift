import CertGateCore
import Matching
import TestSupport
import Testing

/// Learning Fellegi–Sunter parameters from a run's own data (expectation–maximisation).
@Suite struct ParameterTrainingTests {
    static let settings = MatcherTests.settings
    static let nicknames = MatcherTests.nicknames

    /// A seeded school-like population: common given names and surnames, births over four years.
    struct Population {
        var state: UInt64
        let given = ["james", "maria", "david", "sofia", "daniel", "emma", "jose", "olivia", "noah", "ava", "liam", "mia", "ethan",
            "isabella", "lucas", "amelia", "mateo", "harper", "elijah", "evelyn", "henry", "abigail", "owen", "ella", "caleb", "nora"]
        let family = ["smith", "garcia", "johnson", "nguyen", "brown", "martinez", "davis", "lopez", "wilson", "anderson", "thomas",
            "taylor", "moore", "jackson", "martin", "lee", "perez", "thompson", "white", "harris", "sanchez", "clark", "ramirez",
            "lewis", "robinson", "walker", "young", "allen", "king", "wright", "scott", "torres", "hill", "flores", "green", "adams"]

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }

        mutating func student(_ index: Int) -> (first: String, last: String, dob: CalendarDate) {
            (given[next(given.count)], family[next(family.count)],
             CalendarDate(year: 2007 + next(4), month: 1 + next(12), day: 1 + next(28))!)
        }
    }

    /// A roster of `students` and one result per student; in `replaced` of the results the given
    /// name is another name entirely (the error the starting parameters think is rare).
    static func data(students: Int, replaced: Double, seed: UInt64 = 7) -> ([RosterPerson], [ResultPerson]) {
        var population = Population(state: seed)
        var roster: [RosterPerson] = [], results: [ResultPerson] = []
        for index in 0..<students {
            let person = population.student(index)
            roster.append(
                RosterPerson(
                    studentID: "S\(index)", firstName: person.first, middleName: nil, lastName: person.last, dateOfBirth: person.dob,
                    email: nil, school: nil))
            var first = person.first
            if Double(population.next(1000)) < replaced * 1000 {
                repeat { first = population.given[population.next(population.given.count)] } while first == person.first
            }
            results.append(
                ResultPerson(firstName: first, lastName: person.last, dateOfBirth: person.dob, email: nil, testingSite: nil, studentID: nil))
        }
        return (roster, results)
    }

    @Test func learnsHowOftenTheDataDisagrees() {
        let (roster, results) = Self.data(students: 4000, replaced: 0.3)
        let matcher = Matcher(students: roster, settings: Self.settings, nicknames: Self.nicknames)
        let (parameters, report) = ParameterTraining.train(matcher, results: results)
        let start = Self.settings.startingParameters
        // The starting parameters say a given name differs for 2% of true pairs; this data has 30%.
        #expect(start[.firstName, .different].m < 0.05)
        let learned = parameters[.firstName, .different].m
        #expect(learned > 0.2 && learned < 0.4, "m(first name different) = \(learned)")
        // Births over four years: two students share a date of birth about 1 time in 1,400.
        let u = parameters[.dateOfBirth, .exact].u
        #expect(u > 1.0 / 3000 && u < 1.0 / 700, "u(date of birth exact) = \(u)")
        #expect(report.results == 4000 && report.candidatePairs > 4000 && report.converged)
        #expect(parameters.inRoster > 0.85)
    }

    @Test func sameDataSameParameters() {
        let (roster, results) = Self.data(students: 1500, replaced: 0.1)
        let matcher = Matcher(students: roster, settings: Self.settings, nicknames: Self.nicknames)
        #expect(ParameterTraining.train(matcher, results: results).0 == ParameterTraining.train(matcher, results: results).0)
    }

    @Test func aSmallRunStaysCloseToTheStartingParameters() {
        let (roster, results) = Self.data(students: 1500, replaced: 0.5)
        let matcher = Matcher(students: roster, settings: Self.settings, nicknames: Self.nicknames)
        let (parameters, _) = ParameterTraining.train(matcher, results: Array(results.prefix(8)))
        let start = Self.settings.startingParameters
        for field in MatchField.allCases {
            for level in field.levels {
                #expect(abs(parameters[field, level].m - start[field, level].m) < 0.05, "\(field) \(level)")
            }
        }
    }

    @Test func learnedParametersMatchWhatTheStartingOnesSendToReview() {
        let (roster, results) = Self.data(students: 4000, replaced: 0.3)
        let untrained = Matcher(students: roster, settings: Self.settings, nicknames: Self.nicknames)
        let trained = untrained.using(ParameterTraining.train(untrained, results: results).0)
        func automatic(_ matcher: Matcher) -> (right: Int, wrong: Int) {
            var right = 0, wrong = 0, pairs = 0
            for (index, result) in results.enumerated() {
                let decision = matcher.match(result, pairsCompared: &pairs)
                guard decision.status == .matched else { continue }
                if decision.studentID == "S\(index)" { right += 1 } else { wrong += 1 }
            }
            return (right, wrong)
        }
        let before = automatic(untrained), after = automatic(trained)
        #expect(after.right > before.right, "automatic matches: \(before.right) before training, \(after.right) after")
        #expect(Double(after.wrong) <= Double(after.right + after.wrong) * 0.005, "\(after.wrong) wrong automatic matches")
    }

    @Test func staffDecisionsAreCountedAndChecked() {
        let (roster, results) = Self.data(students: 1500, replaced: 0.1)
        let matcher = Matcher(students: roster, settings: Self.settings, nicknames: Self.nicknames)
        let labels = [
            LabelledPair(person: results[0], studentID: "S0"),
            LabelledPair(person: results[1], studentID: "S1"),
            // A stranger staff rejected: no roster student is like them.
            LabelledPair(
                person: ResultPerson(
                    firstName: "Zebulon", lastName: "Quixote", dateOfBirth: CalendarDate(year: 1990, month: 1, day: 1), email: nil,
                    testingSite: nil, studentID: nil), studentID: nil),
        ]
        let (_, report) = ParameterTraining.train(matcher, results: results, labels: labels)
        #expect(report.staffLinks == 2 && report.staffLinksAgreeing == 2)
        #expect(report.staffRejections == 1 && report.staffRejectionsAgreeing == 1)
    }

    /// Probabilities use the roster's size as the prior: the same agreement is less conclusive
    /// among more students, so adding unrelated students never makes a match more certain.
    @Test func probabilityFallsAsTheRosterGrows() {
        let (roster, _) = Self.data(students: 2000, replaced: 0)
        let (more, _) = Self.data(students: 20000, replaced: 0, seed: 99)
        let grown = roster + more.map {
            RosterPerson(
                studentID: "N" + $0.studentID, firstName: $0.first.joined(separator: " "), middleName: nil,
                lastName: $0.last.joined(separator: " "), dateOfBirth: $0.dateOfBirth, email: nil, school: nil)
        }
        // The given name mistyped beyond recognition: surname and date of birth agree.
        let student = roster[5]
        let result = ResultPerson(
            firstName: "Xq", lastName: student.last.joined(separator: " "), dateOfBirth: student.dateOfBirth, email: nil, testingSite: nil,
            studentID: nil)
        var pairs = 0
        let small = Matcher(students: roster, settings: Self.settings, nicknames: Self.nicknames).match(result, pairsCompared: &pairs)
        let large = Matcher(students: grown, settings: Self.settings, nicknames: Self.nicknames).match(result, pairsCompared: &pairs)
        let before = small.candidates.first { $0.studentID == "S5" }?.probability ?? 0
        let after = large.candidates.first { $0.studentID == "S5" }?.probability ?? 0
        #expect(before > 0 && after < before, "probability \(before) with 2,000 students, \(after) with 22,000")
    }
}
