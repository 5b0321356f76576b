import CertGateCore
import Foundation
import Store

/// What `certgate check` (and every pull, import, upload, link and review) found.
public struct CheckSummary: Sendable, Codable, Equatable {
    public var attainmentsCreated = 0
    public var attainmentsRemoved = 0
    public var tasksOpened = 0
    public var tasksResolved = 0
    /// Open tasks of the data checks, by kind.
    public var openByKind: [String: Int] = [:]
    /// `all`, or `changed`: only the results a pull or import changed and their students (the
    /// day's first run looks at everything).
    public var scope = "all"
    /// How long the checks took.
    public var seconds = 0.0

    enum CodingKeys: String, CodingKey {
        case attainmentsCreated = "attainments_created", attainmentsRemoved = "attainments_removed"
        case tasksOpened = "tasks_opened", tasksResolved = "tasks_resolved", openByKind = "open_by_kind", scope, seconds
    }
}

/// Re-derives attainments from results, recomputes reportability, runs every data check, and
/// brings the tasks in line in one transaction: a condition without an open task gets one; an
/// open task whose condition cleared is resolved with the reason. A task staff dismissed (or
/// resolved by hand) is not raised again for the same subject.
struct CheckRun {
    let database: Database
    let configDirectory: String
    let actor: String

    func run(today: CalendarDate? = nil, scope: CheckScope = .everything) throws -> CheckSummary {
        let catalog = try CredentialCatalog.load(directory: configDirectory)
        let rules = try Rules.load(directory: configDirectory)
        let now = Date()
        let day = today ?? CalendarDate.day(of: now)
        var result = try database.writeRetrying { transaction in
            // Two workers' check runs (PostgreSQL) take turns, each reading what the other wrote.
            try transaction.serialize("certgate checks")
            var summary = CheckSummary()
            var scoped = false
            if case .everything = scope {
            } else if try CheckScope.ranEverything(on: day.description, transaction) {
                try scope.prepare(transaction)
                scoped = true
            }
            summary.scope = scoped ? "changed" : "all"
            var data = try CheckData.read(transaction, scoped: scoped)
            // A scoped run settles only the tasks of what it read.
            var subjects: [String: Set<String>] = [:]
            if scoped {
                subjects["attainment"] = Set(data.attainments.map { "\($0.id)" })
                subjects["exam_result"] = Set(data.attempts.map { "\($0.id)" })
                subjects["claim"] = Set(data.claims.map { "\($0.id)" })
            }
            let (reconciled, attainments) = try AttainmentReconciler(catalog: catalog, actor: actor).reconcile(
                data, transaction, now: now)
            summary.attainmentsCreated = reconciled.created
            summary.attainmentsRemoved = reconciled.removed
            // Reconciling changed only attainments: the rest of what was read still holds.
            data.attainments = attainments
            if scoped { subjects["attainment", default: []].formUnion(attainments.map { "\($0.id)" }) }
            try updateReportable(data, catalog, transaction)
            var tasks = try TaskSync(transaction, subjects: scoped ? subjects : nil, actor: actor, now: now)
            // The checks find conditions on one core while their tasks are written on the other.
            let checks = DataChecks(data: data, catalog: catalog, rules: rules, today: day)
            let found = Pipeline<Condition> { emit in try checks.run(emit) }
            do {
                while let batch = try found.next() {
                    for condition in batch { try tasks.apply(condition, transaction) }
                }
            } catch {
                found.cancel()
                throw error
            }
            try updateClaimVerification(checks.claimVerifications(), transaction, now: now)
            summary.tasksOpened = tasks.opened
            summary.tasksResolved = try tasks.resolveCleared(transaction) { key in
                // Whether a cause cleared only a run that reads everything can tell.
                if TaskKind(rawValue: key.kind)?.isCause == true { return !scoped }
                return subjects[key.subjectType].map { $0.contains(key.subjectID) } ?? true
            }
            for row in try transaction.query(
                "SELECT kind, COUNT(*) AS n FROM tasks WHERE status = 'open' GROUP BY kind")
            {
                summary.openByKind[row["kind"].string ?? ""] = row["n"].int
            }
            try AuditLog.append(
                transaction, actor: actor, action: scoped ? "check.changed" : "check.run", subjectType: "checks",
                subjectID: day.description,
                after: try JSONEncoder.sortedString(summary), at: now)
            return summary
        }
        result.seconds = Date().timeIntervalSince(now)
        return result
    }

    /// Claims that agree with a provider result or a PDF are marked verified, with what verified
    /// them (District C's notes column, kept by the machine); those that no longer agree are unmarked.
    private func updateClaimVerification(_ changes: [(claim: Int, verifiedBy: String?)], _ transaction: Transaction, now: Date) throws {
        for change in changes {
            try transaction.execute(
                "UPDATE claims SET verified_by = ?, verified_at = ? WHERE id = ?",
                [change.verifiedBy, change.verifiedBy == nil ? nil : Timestamp.string(now), change.claim])
        }
    }

    /// Reportable for Perkins: a concentrator's approved attainment of a reportable credential,
    /// unless staff overrode it.
    private func updateReportable(_ data: CheckData, _ catalog: CredentialCatalog, _ transaction: Transaction) throws {
        for attainment in data.attainments {
            let computed = (data.students[attainment.studentID]?.isConcentrator ?? false)
                && (catalog.credential(attainment.credential)?.perkinsReportable ?? false) && attainment.reviewStatus == "approved"
            let value = attainment.reportableOverride ?? computed
            if attainment.reportable != value {
                try transaction.execute("UPDATE attainments SET reportable = ? WHERE id = ?", [value, attainment.id])
            }
        }
    }
}
