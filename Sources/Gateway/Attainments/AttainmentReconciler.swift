import CertGateCore
import Foundation
import Store

/// Keeps the attainments that results imply: one per passing, matched result whose exam earns a
/// catalog credential, and one per bundle whose rule its components meet (earned on the day the
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

    func reconcile(_ data: CheckData, _ transaction: Transaction, now: Date) throws -> Counts {
        var counts = Counts()
        // Attainments reported results imply: (student, credential, day) → the first result.
        var implied: [String: (student: String, credential: String, day: CalendarDate, result: Int)] = [:]
        for attempt in data.attempts where attempt.passed {
            guard let student = attempt.studentID else { continue }
            for credential in catalog.credentials(provider: attempt.provider, exam: attempt.exam) {
                let key = "\(student)\u{1F}\(credential.code)\u{1F}\(attempt.day)"
                if implied[key] == nil { implied[key] = (student, credential.code, attempt.day, attempt.id) }
            }
        }
        try sync(implied.mapValues { ($0.student, $0.credential, $0.day, $0.result as Int?) }, source: "report", data.attainments, transaction, now: now, counts: &counts)

        // Bundles, from every attainment of their components not rejected in review.
        let current = try CheckData.readAttainments(transaction).filter { $0.reviewStatus != "rejected" }
        var earliest: [String: [String: CalendarDate]] = [:]  // student → component → first day
        for attainment in current {
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
        try sync(bundles, source: "bundle", current, transaction, now: now, counts: &counts)
        return counts
    }

    private func sync(
        _ wanted: [String: (String, String, CalendarDate, Int?)], source: String, _ existing: [CheckData.Attainment],
        _ transaction: Transaction, now: Date, counts: inout Counts
    ) throws {
        let stamp = Timestamp.string(now)
        var have: Set<String> = []
        for attainment in existing where attainment.source == source {
            let key = "\(attainment.studentID)\u{1F}\(attainment.credential)\u{1F}\(attainment.earnedOn)"
            if wanted[key] != nil {
                have.insert(key)
                if let result = wanted[key]!.3, result != attainment.resultID {
                    try transaction.execute("UPDATE attainments SET result_id = ? WHERE id = ?", [result, attainment.id])
                }
            } else if attainment.reviewStatus == "pending" {
                try transaction.execute("DELETE FROM attainments WHERE id = ?", [attainment.id])
                try AuditLog.append(
                    transaction, actor: actor, action: "attainment.remove", subjectType: "attainment", subjectID: "\(attainment.id)",
                    before: ResultRecords.json([("student_id", .text(attainment.studentID)), ("credential", .text(attainment.credential))]),
                    after: nil, at: now)
                counts.removed += 1
            }
        }
        for (key, value) in wanted.sorted(by: { $0.key < $1.key }) where !have.contains(key) {
            let (student, credential, day, result) = value
            // A manual attainment for the same day already stands for it.
            let inserted = try transaction.execute(
                """
                INSERT INTO attainments (student_id, credential_code, earned_on, source, result_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (student_id, credential_code, earned_on) DO NOTHING
                """, [student, credential, day.description, source, result, stamp])
            guard inserted > 0 else {
                // A manual attainment for that day stands: the provider's report now backs it.
                if let result {
                    try transaction.execute(
                        """
                        UPDATE attainments SET result_id = ? WHERE student_id = ? AND credential_code = ? AND earned_on = ?
                          AND result_id IS NULL
                        """, [result, student, credential, day.description])
                }
                continue
            }
            counts.created += 1
            try AuditLog.append(
                transaction, actor: actor, action: "attainment.create", subjectType: "attainment",
                subjectID: "\(transaction.lastInsertRowID)",
                after: ResultRecords.json([
                    ("student_id", .text(student)), ("credential", .text(credential)), ("earned_on", .text(day.description)),
                    ("source", .text(source)), ("result_id", result.map { .integer(Int64($0)) } ?? .null),
                ]), at: now)
        }
    }
}
