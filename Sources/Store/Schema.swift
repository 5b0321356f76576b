/// Recomputes the roster coverage tables from students and enrollments (migration 4 and every
/// roster import).
public enum RosterCoverageSQL {
    public static let refresh = """
        DELETE FROM roster_enrolled_years;
        INSERT INTO roster_enrolled_years (school, school_year)
            SELECT DISTINCT COALESCE(s.school, ''), e.school_year FROM enrollments e JOIN students s ON s.student_id = e.student_id;
        DELETE FROM roster_concentrator_schools;
        INSERT INTO roster_concentrator_schools (school) SELECT DISTINCT COALESCE(school, '') FROM students WHERE cte_concentrator = 1;
        """
}

/// CertGate's schema, as migrations. Add a migration for every change; never edit one that has
/// shipped.
public enum Schema {
    public static let migrations: [Migration] = [
        Migration(
            version: 1, name: "initial schema", sql: v1,
            postgresSQL: SQLDialect.postgresql.schema(v1.replacingOccurrences(of: v1AppendOnly, with: "")) + v1AppendOnlyPostgreSQL),
        Migration(version: 2, name: "what a certificate's text said", sql: v2),
        Migration(version: 3, name: "find what changed since a time", sql: v3),
        Migration(version: 4, name: "what the roster covers, for the checks' causes", sql: v4),
        Migration(version: 5, name: "matching runs with their learned parameters; match probabilities", sql: v5),
        Migration(version: 6, name: "staff accounts for the web console", sql: v6),
        Migration(version: 7, name: "teachers' claims of certificates earned; dates indexed for the dashboard", sql: v7),
    ]

    /// What a teacher says a student earned (the console's "Log a certificate", a teacher's log):
    /// a claim the evidence policy then checks. One claim per student, credential, exam date and
    /// teacher; logging it again updates it. And indexes for the dashboard's school-year figures.
    static let v7 = """
        CREATE TABLE claims (
            id               INTEGER PRIMARY KEY,
            student_id       TEXT NOT NULL REFERENCES students (student_id),
            credential_code  TEXT NOT NULL,
            exam_date        TEXT NOT NULL,
            outcome          TEXT NOT NULL CHECK (outcome IN ('pass', 'fail')),
            proctor          TEXT,
            teacher          TEXT NOT NULL,
            origin           TEXT NOT NULL CHECK (origin IN ('console', 'file')),
            origin_file      TEXT,
            origin_detail    TEXT,
            logged_by        TEXT NOT NULL,
            logged_at        TEXT NOT NULL,
            updated_at       TEXT NOT NULL,
            -- What the checks found backs the claim (a provider result, a certificate PDF), and when.
            verified_by      TEXT,
            verified_at      TEXT,
            UNIQUE (student_id, credential_code, exam_date, teacher)
        );
        CREATE INDEX claims_teacher ON claims (teacher);
        CREATE INDEX claims_file ON claims (origin_file) WHERE origin_file IS NOT NULL;
        -- A teacher's students, for the console's per-teacher views.
        CREATE INDEX enrollments_teacher ON enrollments (teacher);
        -- The console's dashboard: the years with results, and one school year's attempts.
        CREATE INDEX exam_results_attempted ON exam_results (attempted_at);
        -- The console's match review queue (results in review or matched to no one).
        CREATE INDEX matches_status ON matches (status) WHERE status IN ('review', 'unmatched');
        """

    /// Staff who sign in to the console: a role, the schools a school lead (or clerk, or
    /// teacher) works for, the name a teacher has in the enrollments' Teacher column, and an
    /// scrypt hash of the password (never the password).
    static let v6 = """
        CREATE TABLE users (
            username             TEXT PRIMARY KEY,
            role                 TEXT NOT NULL
                                 CHECK (role IN ('cte_coordinator', 'school_lead', 'data_clerk', 'cte_teacher', 'auditor')),
            teacher_name         TEXT,
            password_hash        TEXT NOT NULL,
            password_changed_at  TEXT NOT NULL,
            disabled_at          TEXT,
            created_by           TEXT NOT NULL,
            created_at           TEXT NOT NULL
        );
        CREATE TABLE user_schools (
            username  TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
            school    TEXT NOT NULL,
            PRIMARY KEY (username, school)
        ) WITHOUT ROWID;
        """

    /// Each matching run keeps the parameters it learned (and what it learned them from), and each
    /// decision the run and its probability: a decision can be explained and reproduced.
    static let v5 = """
        CREATE TABLE match_runs (
            id           INTEGER PRIMARY KEY,
            started_at   TEXT NOT NULL,
            actor        TEXT NOT NULL,
            scope        TEXT NOT NULL,
            roster_size  INTEGER NOT NULL,
            parameters   TEXT NOT NULL,
            training     TEXT NOT NULL
        );
        ALTER TABLE matches ADD COLUMN probability REAL;
        ALTER TABLE matches ADD COLUMN run_id INTEGER REFERENCES match_runs (id);
        """

    /// Which schools have enrollments loaded for which school years, and which have concentrators:
    /// the checks raise one task for a school missing either, and every check run (a review's
    /// included) reads these few rows instead of scanning the roster. Roster imports keep them.
    static let v4 = """
        CREATE TABLE roster_enrolled_years (
            school       TEXT NOT NULL,
            school_year  TEXT NOT NULL,
            PRIMARY KEY (school, school_year)
        ) WITHOUT ROWID;
        CREATE TABLE roster_concentrator_schools (school TEXT PRIMARY KEY) WITHOUT ROWID;
        \(RosterCoverageSQL.refresh)
        """

    /// After a pull, the checks look only at results stored or matched since it began and at
    /// those results' students; after a review, only at its student's tasks.
    static let v3 = """
        CREATE INDEX exam_results_updated ON exam_results (updated_at);
        CREATE INDEX matches_decided ON matches (decided_at);
        CREATE INDEX attainments_result ON attainments (result_id);
        CREATE INDEX tasks_subject ON tasks (subject_type, subject_id);
        """

    /// Why an evidence file's text disagrees with its record (described, never quoted).
    static let v2 = """
        ALTER TABLE evidence ADD COLUMN text_detail TEXT;
        CREATE INDEX evidence_sha256 ON evidence (sha256);
        """

    /// Audit events can be added, never changed or removed.
    static let v1AppendOnly = """
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
        CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
        """

    /// The same in PostgreSQL, `TRUNCATE` included.
    static let v1AppendOnlyPostgreSQL = """
        CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$;
        CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
        CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
        """

    /// The whole design: roster, providers, results and their matches, evidence, attainments,
    /// tasks, the audit chain and pull cursors. Times are ISO 8601 text in UTC; dates `YYYY-MM-DD`.
    static let v1 = """
        CREATE TABLE students (
            student_id        TEXT PRIMARY KEY,
            state_student_id  TEXT,
            first_name        TEXT NOT NULL,
            middle_name       TEXT,
            last_name         TEXT NOT NULL,
            date_of_birth     TEXT,
            email             TEXT,
            school            TEXT,
            grade             TEXT,
            cte_concentrator  INTEGER NOT NULL DEFAULT 0 CHECK (cte_concentrator IN (0, 1)),
            created_at        TEXT NOT NULL,
            updated_at        TEXT NOT NULL
        );
        CREATE INDEX students_last_name ON students (last_name);

        CREATE TABLE enrollments (
            id             INTEGER PRIMARY KEY,
            student_id     TEXT NOT NULL REFERENCES students (student_id) ON DELETE CASCADE,
            school_year    TEXT NOT NULL,
            course_number  TEXT NOT NULL,
            course_name    TEXT,
            program        TEXT,
            teacher        TEXT,
            updated_at     TEXT NOT NULL,
            UNIQUE (student_id, school_year, course_number)
        );

        CREATE TABLE providers (
            provider_id  TEXT PRIMARY KEY,
            style        TEXT NOT NULL,
            name         TEXT NOT NULL
        );

        -- One row per exam attempt a provider reported; re-pulls update, never duplicate.
        CREATE TABLE exam_results (
            id                   INTEGER PRIMARY KEY,
            provider_id          TEXT NOT NULL REFERENCES providers (provider_id),
            record_key           TEXT NOT NULL,
            candidate_id         TEXT,
            first_name           TEXT,
            last_name            TEXT,
            date_of_birth        TEXT,
            email                TEXT,
            provider_student_id  TEXT,
            exam_code            TEXT NOT NULL,
            exam_title           TEXT,
            attempted_at         TEXT NOT NULL,
            time_zone            TEXT NOT NULL,
            score                REAL,
            passing_score        REAL,
            outcome              TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'provisional')),
            certificate_number   TEXT,
            proctor              TEXT,
            testing_site         TEXT,
            expires_on           TEXT,
            source_feed          TEXT NOT NULL,
            source_page          INTEGER,
            source_record        INTEGER,
            fetched_at           TEXT NOT NULL,
            content_hash         TEXT NOT NULL,
            first_seen_at        TEXT NOT NULL,
            updated_at           TEXT NOT NULL,
            UNIQUE (provider_id, record_key)
        );
        CREATE INDEX exam_results_candidate ON exam_results (provider_id, candidate_id);

        -- Rows a feed carried that could not be read, kept with the reason and where they were.
        CREATE TABLE rejected_records (
            id             INTEGER PRIMARY KEY,
            provider_id    TEXT NOT NULL REFERENCES providers (provider_id),
            source_feed    TEXT NOT NULL,
            source_page    INTEGER,
            source_record  INTEGER,
            reason         TEXT NOT NULL,
            raw_hash       TEXT NOT NULL,
            first_seen_at  TEXT NOT NULL,
            UNIQUE (provider_id, raw_hash)
        );

        CREATE TABLE matches (
            result_id    INTEGER PRIMARY KEY REFERENCES exam_results (id) ON DELETE CASCADE,
            student_id   TEXT REFERENCES students (student_id),
            status       TEXT NOT NULL CHECK (status IN ('matched', 'review', 'unmatched', 'confirmed', 'rejected')),
            method       TEXT,
            score        REAL,
            details      TEXT,
            decided_by   TEXT,
            decided_at   TEXT NOT NULL
        );
        CREATE INDEX matches_student ON matches (student_id);

        -- What staff confirmed: this provider's candidate is this student.
        CREATE TABLE candidate_links (
            provider_id   TEXT NOT NULL REFERENCES providers (provider_id),
            candidate_id  TEXT NOT NULL,
            student_id    TEXT NOT NULL REFERENCES students (student_id),
            source        TEXT NOT NULL CHECK (source IN ('staff', 'auto')),
            created_by    TEXT,
            created_at    TEXT NOT NULL,
            PRIMARY KEY (provider_id, candidate_id)
        );

        -- Evidence files are stored by content (SHA-256); the original name is metadata only.
        CREATE TABLE evidence (
            id                 INTEGER PRIMARY KEY,
            sha256             TEXT NOT NULL,
            student_id         TEXT NOT NULL REFERENCES students (student_id),
            credential_code    TEXT NOT NULL,
            original_name      TEXT,
            size_bytes         INTEGER NOT NULL,
            media_type         TEXT NOT NULL,
            verification_code  TEXT,
            text_status        TEXT,
            added_by           TEXT NOT NULL,
            added_at           TEXT NOT NULL,
            UNIQUE (sha256, student_id, credential_code)
        );

        CREATE TABLE attainments (
            id                   INTEGER PRIMARY KEY,
            student_id           TEXT NOT NULL REFERENCES students (student_id),
            credential_code      TEXT NOT NULL,
            earned_on            TEXT NOT NULL,
            source               TEXT NOT NULL CHECK (source IN ('report', 'manual', 'bundle')),
            result_id            INTEGER REFERENCES exam_results (id),
            review_status        TEXT NOT NULL DEFAULT 'pending'
                                 CHECK (review_status IN ('pending', 'approved', 'rejected', 'follow_up')),
            verification_method  TEXT,
            review_comment       TEXT,
            reviewed_by          TEXT,
            reviewed_at          TEXT,
            reportable           INTEGER,
            reportable_override  INTEGER,
            reportable_note      TEXT,
            created_at           TEXT NOT NULL,
            UNIQUE (student_id, credential_code, earned_on)
        );

        CREATE TABLE attainment_evidence (
            attainment_id  INTEGER NOT NULL REFERENCES attainments (id) ON DELETE CASCADE,
            evidence_id    INTEGER NOT NULL REFERENCES evidence (id),
            PRIMARY KEY (attainment_id, evidence_id)
        );

        CREATE TABLE tasks (
            id               INTEGER PRIMARY KEY,
            kind             TEXT NOT NULL,
            subject_type     TEXT NOT NULL,
            subject_id       TEXT NOT NULL,
            status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
            explanation      TEXT NOT NULL,
            assignee_role    TEXT,
            school           TEXT,
            due_on           TEXT,
            created_at       TEXT NOT NULL,
            closed_at        TEXT,
            closed_by        TEXT,
            resolution_note  TEXT
        );
        -- One open task per subject and kind.
        CREATE UNIQUE INDEX tasks_one_open ON tasks (kind, subject_type, subject_id) WHERE status = 'open';

        -- Append-only; each event's hash covers the previous event's hash (a SHA-256 chain).
        CREATE TABLE audit_events (
            seq           INTEGER PRIMARY KEY,
            at            TEXT NOT NULL,
            actor         TEXT NOT NULL,
            action        TEXT NOT NULL,
            subject_type  TEXT NOT NULL,
            subject_id    TEXT NOT NULL,
            before_json   TEXT,
            after_json    TEXT,
            prev_hash     TEXT NOT NULL,
            hash          TEXT NOT NULL
        );
        CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id);
        \(v1AppendOnly)

        -- Where the next incremental pull of a provider starts; moved only after a committed pull.
        CREATE TABLE pull_cursors (
            provider_id      TEXT PRIMARY KEY REFERENCES providers (provider_id),
            cursor           TEXT NOT NULL,
            last_success_at  TEXT NOT NULL
        );

        CREATE TABLE pull_runs (
            id           INTEGER PRIMARY KEY,
            provider_id  TEXT NOT NULL,
            started_at   TEXT NOT NULL,
            finished_at  TEXT,
            status       TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
            fetched      INTEGER NOT NULL DEFAULT 0,
            new          INTEGER NOT NULL DEFAULT 0,
            updated      INTEGER NOT NULL DEFAULT 0,
            unchanged    INTEGER NOT NULL DEFAULT 0,
            rejected     INTEGER NOT NULL DEFAULT 0,
            error        TEXT
        );
        """
}
