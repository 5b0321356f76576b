import CertGateCore
import Foundation
import Store

/// Keeps the attainments that results imply: one per credential a matched student passed, earned
/// on the first passing day (a later pass of a credential the student still holds is more
/// evidence of the same attainment, not a second one to report; a pass once it has expired is a
/// renewal and a new attainment), and one per bundle whose rule its components meet (earned on the day the
/// last needed component passed). Failed attempts stay attempts. An implied attainment that no
/// longer holds (a match was undone) is removed while still pending review; a reviewed one stays
/// for a person to look at.
struct AttainmentReconciler {
    let catalog: CredentialCatalog
    let actor: String

    struct Counts: Codable {
        var created = 0
        var removed = 0
    }

    /// Brings the stored attainments in line; returns what changed and every attainment as it
    /// now stands (kept in step with what was written, so nothing is read back).
    func reconcile(_ data: CheckData, _ transaction: Transaction, now: Date) throws -> (Counts, [CheckData.Attainment]) {
        var counts = Counts()
        var current = data.attainments
        // Attainments reported results imply: (student, credential, day) → the first result. Attempts
        // come in time order, so each student's credential is earned at its first pass and again
        // only once the one earned before has expired.
        var implied: [String: (student: String, credential: String, day: CalendarDate, result: Int)] = [:]
        // Student and credential → until when the last one earned is valid (nil: for good).
        var held: [String: CalendarDate?] = [:]
        for attempt in data.attempts where attempt.passed {
            guard let student = attempt.studentID else { continue }
            for credential in catalog.credentials(provider: attempt.provider, exam: attempt.exam) {
                let holding = "\(student)\u{1F}\(credential.code)"
                if let until = held[holding] {
                    guard let until, attempt.day >= until else { continue }
                }
                let validUntil: CalendarDate? = credential.validYears.map { attempt.day.adding(days: 365 * $0) }
                held[holding] = .some(validUntil)  // a nil date is kept (held for good), not a removed key
                implied["\(holding)\u{1F}\(attempt.day)"] = (student, credential.code, attempt.day, attempt.id)
            }
        }
        try sync(
            implied.mapValues { ($0.student, $0.credential, $0.day, $0.result as Int?) }, source: "report", &current, transaction,
            now: now, counts: &counts)

        // Bundles, from every attainment of their components not rejected in review.
        var earliest: [String: [String: CalendarDate]] = [:]  // student → component → first day
        for attainment in current where attainment.reviewStatus != "rejected" {
            let first = earliest[attainment.studentID]?[attainment.credential]
            if first == nil || attainment.earnedOn < first! { earliest[attainment.studentID, default: [:]][attainment.credential] = attainment.earnedOn }
        }
        var bundles: [String: (String, String, CalendarDate, Int?)] = [:]
        for bundle in catalog.bundles {
            guard let rule = bundle.bundle else { continue }
            for (student, components) in earliest {
                let days = rule.components.compactMap { components[$0] }.sorted()
                guard days.count >= rule.needed, rule.needed > 0 else { continue }
                let day = days[rule.needed - 1]
                bundles["\(student)\u{1F}\(bundle.code)\u{1F}\(day)"] = (student, bundle.code, day, nil)
            }
        }
        try sync(bundles, source: "bundle", &current, transaction, now: now, counts: &counts)
        current.sort { ($0.studentID, $0.credential, $0.earnedOn, $0.id) < ($1.studentID, $1.credential, $1.earnedOn, $1.id) }
        return (counts, current)
    }

    /// - Parameter attainments: every stored attainment; updated as rows are written.
    private func sync(
        _ wanted: [String: (String, String, CalendarDate, Int?)], source: String, _ attainments: inout [CheckData.Attainment],
        _ transaction: Transaction, now: Date, counts: inout Counts
    ) throws {
        let stamp = Timestamp.string(now)
        var have: Set<String> = []
        var removed: Set<Int> = []
        for (index, attainment) in attainments.enumerated() where attainment.source == source {
            let key = "\(attainment.studentID)\u{1F}\(attainment.credential)\u{1F}\(attainment.earnedOn)"
            if wanted[key] != nil {
                have.insert(key)
                if let result = wanted[key]!.3, result != attainment.resultID {
                    try transaction.execute("UPDATE attainments SET result_id = ? WHERE id = ?", [result, attainment.id])
                    attainments[index].resultID = result
                }
            } else if attainment.reviewStatus == "pending" {
                removed.insert(attainment.id)
                try transaction.execute("DELETE FROM attainments WHERE id = ?", [attainment.id])
                try AuditLog.append(
                    transaction, actor: actor, action: "attainment.remove", subjectType: "attainment", subjectID: "\(attainment.id)",
                    before: ResultRecords.json([("student_id", .text(attainment.studentID)), ("credential", .text(attainment.credential))]),
                    after: nil, at: now)
                counts.removed += 1
            }
        }
        if !removed.isEmpty { attainments.removeAll { removed.contains($0.id) } }
        // Attainments of another source on the same day (a manual one, or one a bundle stands in for).
        var taken: [String: Int] = [:]
        for (index, attainment) in attainments.enumerated() {
            taken["\(attainment.studentID)\u{1F}\(attainment.credential)\u{1F}\(attainment.earnedOn)"] = index
        }
        var created: [(key: String, student: String, credential: String, day: CalendarDate, result: Int?)] = []
        for (key, value) in wanted.sorted(by: { $0.key < $1.key }) where !have.contains(key) {
            let (student, credential, day, result) = value
            if let index = taken[key] {
                // A manual attainment for that day stands: the provider's report now backs it.
                if let result, attainments[index].resultID == nil {
                    try transaction.execute("UPDATE attainments SET result_id = ? WHERE id = ?", [result, attainments[index].id])
                    attainments[index].resultID = result
                }
                continue
            }
            created.append((key, student, credential, day, result))
        }
        guard !created.isEmpty else { return }
        // Pending review, so not yet reportable. Written many to a statement (a state's first
        // import creates hundreds of thousands); the ids come back with their keys.
        var ids: [String: Int] = [:]
        for row in try transaction.insertRows(
            into: "attainments", columns: ["student_id", "credential_code", "earned_on", "source", "result_id", "reportable", "created_at"],
            created.map { [$0.student, $0.credential, $0.day.description, source, $0.result, 0, stamp] },
            returning: ["id", "student_id", "credential_code", "earned_on"])
        {
            ids["\(row[1].string ?? "")\u{1F}\(row[2].string ?? "")\u{1F}\(row[3].string ?? "")"] = row[0].int
        }
        var events: [AuditLog.Event] = []
        events.reserveCapacity(created.count)
        for new in created {
            guard let id = ids[new.key] else { throw CertGateError(.database, "attainment \(new.key) was inserted but not returned") }
            attainments.append(
                CheckData.Attainment(
                    id: id, studentID: new.student, credential: new.credential, earnedOn: new.day, source: source, resultID: new.result,
                    reviewStatus: "pending", reportable: false, reportableOverride: nil, pdfCount: 0))
            events.append(
                AuditLog.Event(
                    actor: actor, action: "attainment.create", subjectType: "attainment", subjectID: "\(id)",
                    after: ResultRecords.json([  // in key order, so nothing needs sorting
                        ("credential", .text(new.credential)), ("earned_on", .text(new.day.description)),
                        ("result_id", new.result.map { .integer(Int64($0)) } ?? .null), ("source", .text(source)),
                        ("student_id", .text(new.student)),
                    ]), at: now))
        }
        counts.created += created.count
        try AuditLog.append(transaction, events)
    }
}
