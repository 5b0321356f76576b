import Store

/// Which data a check run looks at.
///
/// A pull or an import changes some results; the conditions that can change with them are those of
/// the results themselves and of their students (old and new, when a result moved). Looking only
/// there keeps a weekly pull's checks proportional to what it brought, not to the state's whole
/// history; a review or an upload concerns one student. Expiry moves with the calendar instead,
/// so the day's first run looks at everything.
enum CheckScope {
    /// Every result, attainment and task (`certgate check`, a roster import, a review or upload).
    case everything
    /// Results stored or matched at or after this timestamp, and their students (a pull, an
    /// import, a staff link or rejection); everything when no full run is recorded for the day.
    case changedSince(String)
    /// These students' results and attainments (a review, an upload); everything when no full
    /// run is recorded for the day.
    case students(Set<String>)

    /// Fills the temporary tables `scope_results` and `scope_students` that scoped reads join on.
    func prepare(_ transaction: Transaction) throws {
        // Temporary tables are the connection's own and shadow any table of the same name on
        // both engines.
        try transaction.execute("CREATE TEMP TABLE IF NOT EXISTS scope_results (id INTEGER PRIMARY KEY)")
        try transaction.execute("CREATE TEMP TABLE IF NOT EXISTS scope_students (student_id TEXT PRIMARY KEY)")
        try transaction.execute("DELETE FROM scope_results")
        try transaction.execute("DELETE FROM scope_students")
        switch self {
        case .everything: return
        case .students(let students):
            for student in students {
                try transaction.execute("INSERT INTO scope_students (student_id) VALUES (?) ON CONFLICT DO NOTHING", [student])
            }
            return
        case .changedSince(let since): try Self.results(changedSince: since, transaction)
        }
    }

    private static func results(changedSince since: String, _ transaction: Transaction) throws {
        try transaction.execute(
            """
            INSERT INTO scope_results (id)
            SELECT id FROM exam_results WHERE updated_at >= ? UNION SELECT result_id FROM matches WHERE decided_at >= ?
            """, [since, since])
        // A result's student now, and the student whose attainment it backed before it moved.
        try transaction.execute(
            """
            INSERT INTO scope_students (student_id)
            SELECT m.student_id FROM matches m JOIN scope_results s ON s.id = m.result_id WHERE m.student_id IS NOT NULL
            UNION SELECT a.student_id FROM attainments a JOIN scope_results s ON s.id = a.result_id WHERE true
            ON CONFLICT DO NOTHING
            """)
    }

    /// Whether the full checks already ran for `day` (recorded as its `check.run` audit event).
    static func ranEverything(on day: String, _ transaction: Transaction) throws -> Bool {
        try transaction.scalar(
            "SELECT 1 FROM audit_events WHERE subject_type = 'checks' AND subject_id = ? AND action = 'check.run' LIMIT 1", [day]
        ).int != nil
    }
}
