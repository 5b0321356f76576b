-- CertGate's roles on PostgreSQL. Run as a superuser (or the database's owner) in psql:
--   psql -v ON_ERROR_STOP=1 -d postgres -f roles.sql
-- Passwords are set afterwards with psql's \password, never written in this file.

-- The gateway: owns its schema and is the only role that writes. certgate migrates the schema
-- itself on first use (under an advisory lock, so several hosts may start at once).
CREATE ROLE certgate LOGIN;
CREATE DATABASE certgate OWNER certgate ENCODING 'UTF8' TEMPLATE template0;
\connect certgate
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO certgate;

-- Reporting tools (a state's dashboards, a BI tool): read only, and no minor's date of birth,
-- email or name as the provider typed it, no password hashes, no audit details.
CREATE ROLE certgate_reporting LOGIN;
GRANT CONNECT ON DATABASE certgate TO certgate_reporting;
GRANT USAGE ON SCHEMA public TO certgate_reporting;
ALTER ROLE certgate_reporting SET default_transaction_read_only = on;
-- The tables exist once certgate has opened the database (any command, e.g.
--   CERTGATE_DB=postgresql://certgate@db/certgate certgate tasks
-- migrates it): run the rest of this file then, and again after an upgrade adds tables.
SET ROLE certgate;
GRANT SELECT (student_id, state_student_id, first_name, middle_name, last_name, school, grade, cte_concentrator, created_at, updated_at)
    ON students TO certgate_reporting;
GRANT SELECT (id, provider_id, record_key, candidate_id, exam_code, exam_title, attempted_at, time_zone, score, passing_score,
              outcome, certificate_number, testing_site, expires_on, first_seen_at, updated_at)
    ON exam_results TO certgate_reporting;
GRANT SELECT ON enrollments, providers, matches, attainments, attainment_evidence, tasks, pull_runs, claims TO certgate_reporting;
GRANT SELECT (id, student_id, credential_code, size_bytes, media_type, text_status, added_at) ON evidence TO certgate_reporting;
RESET ROLE;
