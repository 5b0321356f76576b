public import Matching
import Foundation
import Store

/// A person as a clerk compares them: a result's candidate or a roster student.
public struct PersonDetails: Sendable {
    public var firstName: String?
    public var lastName: String?
    public var dateOfBirth: String?
    public var email: String?
    /// The student's school, or the result's testing site.
    public var place: String?
}

/// A result a person must match, beside each candidate student with the agreement of every field.
public struct MatchReviewItem: Sendable {
    public var result: ResultListing
    public var person: PersonDetails
    public var candidates: [(candidate: MatchDecision.Candidate, student: PersonDetails)]
}

extension Gateway {
    /// A result still in review or unmatched, with its candidates' roster details; nil when there
    /// is no such result or it is decided.
    public func matchReview(_ resultID: Int) throws -> MatchReviewItem? {
        guard let listing = try results(undecided: true, id: resultID).first else { return nil }
        return try database.read { transaction in
            guard let row = try transaction.query(
                "SELECT first_name, last_name, date_of_birth, email, testing_site FROM exam_results WHERE id = ?", [resultID]
            ).first else { return nil }
            let person = PersonDetails(
                firstName: row[0].string, lastName: row[1].string, dateOfBirth: row[2].string, email: row[3].string, place: row[4].string)
            var candidates: [(MatchDecision.Candidate, PersonDetails)] = []
            for candidate in listing.candidates ?? [] {
                guard let student = try transaction.query(
                    "SELECT first_name, middle_name, last_name, date_of_birth, email, school FROM students WHERE student_id = ?",
                    [candidate.studentID]
                ).first else { continue }
                let given = [student[0].string, student[1].string].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
                candidates.append(
                    (candidate, PersonDetails(
                        firstName: given, lastName: student[2].string, dateOfBirth: student[3].string, email: student[4].string,
                        place: student[5].string)))
            }
            return MatchReviewItem(result: listing, person: person, candidates: candidates)
        }
    }
}
