import CertGateCore
import Foundation
import Store

/// Brings the data checks' tasks in line with the conditions a run finds, one condition at a
/// time as the checks find them: a condition without an open task gets one (unless staff
/// dismissed or resolved it for that subject before); an open task's words are kept current;
/// at the end, open tasks whose condition was not found again are resolved.
struct TaskSync {
    /// One task per kind and subject. The kind's raw value and the subject type are constants and
    /// IDs are short, so keys cost no allocation (a state-sized run holds about a million).
    struct Key: Hashable {
        var kind: String
        var subjectType: String
        var subjectID: String
    }

    private struct OpenTask {
        var id: Int
        /// Hashes of the explanation and school, not their text: a state has close to a million
        /// open tasks.
        var explanation: Int
        var school: Int
    }

    private let actor: String
    private let now: Date
    private var open: [Key: OpenTask] = [:]
    private var settledByStaff: Set<Key> = []
    private var standing: Set<Key> = []
    private(set) var opened = 0

    /// Reads the data checks' tasks, open and closed: all of them, or for a run that looks at a
    /// few subjects (a review, an upload), only theirs and the evidence's.
    /// - Parameter subjects: the subjects looked at, by type; nil for all.
    init(_ transaction: Transaction, subjects: [String: Set<String>]?, actor: String, now: Date) throws {
        self.actor = actor
        self.now = now
        var open: [Key: OpenTask] = [:]
        var settledByStaff: Set<Key> = []
        func read(_ row: SQLRow) {
            let key = Key(kind: row[1].string ?? "", subjectType: row[2].string ?? "", subjectID: row[3].string ?? "")
            if row[4].string == "open" {
                open[key] = OpenTask(id: row[0].int ?? 0, explanation: (row[6].string ?? "").hashValue, school: row[7].string.hashValue)
            } else if row[4].string == "dismissed" || row[5].string != "certgate" {
                settledByStaff.insert(key)
            }
        }
        let kinds = TaskKind.checkKinds.map(\.rawValue)
        let ofKinds = "kind IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))"
        let select = "SELECT id, kind, subject_type, subject_id, status, closed_by, explanation, school FROM tasks"
        if let subjects, subjects.values.reduce(0, { $0 + $1.count }) <= Self.fewSubjects {
            for (type, ids) in subjects {
                for id in ids {
                    try transaction.forEach(select + " WHERE subject_type = ? AND subject_id = ? AND \(ofKinds)", [type, id] + kinds, read)
                }
            }
            try transaction.forEach(select + " WHERE subject_type = 'evidence' AND \(ofKinds)", kinds, read)
            let causes = TaskKind.checkKinds.filter(\.isCause).map(\.rawValue)
            try transaction.forEach(select + " WHERE kind IN (\(causes.map { _ in "?" }.joined(separator: ", ")))", causes, read)
        } else {
            try transaction.forEach(select + " WHERE \(ofKinds)", kinds, read)
        }
        self.open = open
        self.settledByStaff = settledByStaff
        self.seesEverything = subjects == nil
    }

    /// Whether the run reads every record: a scoped run counts only some of a cause's records, so
    /// it keeps an open cause task's words (the day's full run brings them up to date).
    private let seesEverything: Bool

    /// Up to this many subjects, their tasks are looked up one by one rather than all read.
    static let fewSubjects = 20_000

    /// A condition the checks found.
    mutating func apply(_ condition: Condition, _ transaction: Transaction) throws {
        let key = Key(kind: condition.kind.rawValue, subjectType: condition.subjectType, subjectID: condition.subjectID)
        guard standing.insert(key).inserted else { return }  // found twice: one task
        if let task = open[key] {
            if condition.kind.isCause && !seesEverything { return }
            // Still open: keep its words current, writing only what changed.
            if task.explanation != condition.explanation.hashValue || task.school != condition.school.hashValue {
                try transaction.execute(
                    "UPDATE tasks SET explanation = ?, school = ? WHERE id = ?", [condition.explanation, condition.school, task.id])
            }
            return
        }
        if settledByStaff.contains(key) { return }
        opened += 1
        try TaskRecords.insert(
            condition.kind, subjectType: condition.subjectType, subjectID: condition.subjectID, explanation: condition.explanation,
            assigneeRole: condition.role, school: condition.school, due: condition.due, transaction, actor: actor, now: now)
    }

    /// Resolves the open tasks whose condition was not found again; returns how many.
    /// - Parameter inScope: whether the run looked at a task's subject; others are left as they are.
    func resolveCleared(_ transaction: Transaction, inScope: (Key) -> Bool) throws -> Int {
        var resolved = 0
        for (key, task) in open where !standing.contains(key) && inScope(key) {
            try TaskRecords.close(
                task.id, status: "resolved", note: "the condition cleared when the checks ran again", closedBy: "certgate", transaction,
                actor: actor, now: now)
            resolved += 1
        }
        return resolved
    }
}
