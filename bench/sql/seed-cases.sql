-- Seeds :cases blob cases of case type BENCH (one creation event each) and gives cases 1..:history_cases a
-- 100-event history, for P1 (updates), P2 (reads and histories) and the pgbench baseline.
\set ON_ERROR_STOP on
\set from 1
\set to :cases
\set events 1
\ir seed-case-range.sql

-- 99 more events on the history cases, so each has 100.
INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, summary, description,
                            user_id, user_first_name, user_last_name, created_date, case_type_id, state_id, state_name,
                            data, security_classification)
SELECT bench.ref(n), r, r, 'update', 'Update', 'seed', 'seeded', 'bench-user', 'Bench', 'User',
       now() AT TIME ZONE 'utc', 'BENCH', 'Open', 'Open', bench.blob(n, r), 'PUBLIC'
FROM generate_series(1, :history_cases) AS n, generate_series(2, 100) AS r;
UPDATE ccd.case_data SET version = 100, revision = 100, data = bench.blob(id, 100) WHERE id <= :history_cases;
ANALYZE;
