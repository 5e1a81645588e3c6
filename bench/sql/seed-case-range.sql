-- Seeds benchmark cases :from..:to of case type BENCH, each with :events events (the first a creation), at version
-- and revision :events. With :events 1 these are P1's fresh cases (seed-cases.sql, and the top-ups bench/run adds
-- when a run sends more updates than the data set holds); with 11 they grow the store to the P3 size (--large).
-- bench/run runs it in several sessions at once over disjoint ranges (Cluster.seed), then vacuums (Cluster.settle).
\set ON_ERROR_STOP on
-- A bulk load whose rows satisfy every foreign key by construction: this session skips the per-row checks (each
-- would also lock its case row, dirtying it again), as a restore does. The constraints stay on for everything else.
SET session_replication_role = replica;

INSERT INTO ccd.case_data (reference, id, jurisdiction, case_type_id, state, data, security_classification,
                           version, revision, created_date, last_modified, last_state_modified_date)
SELECT bench.ref(n), n, 'BENCH', 'BENCH', 'Open', bench.blob(n, :events), 'PUBLIC', :events, :events,
       now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc'
FROM generate_series(:from, :to) AS n;

-- Each case's reference is worked out once (OFFSET 0 keeps the subquery from being flattened into one call per event).
INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, summary, description,
                            user_id, user_first_name, user_last_name, created_date, case_type_id, state_id, state_name,
                            data, security_classification)
SELECT c.ref, r, r, CASE r WHEN 1 THEN 'create' ELSE 'update' END, CASE r WHEN 1 THEN 'Create' ELSE 'Update' END,
       'seed', 'seeded', 'bench-user', 'Bench', 'User', now() AT TIME ZONE 'utc', 'BENCH', 'Open', 'Open', bench.blob(c.n, r),
       'PUBLIC'
FROM (SELECT n, bench.ref(n) AS ref FROM generate_series(:from, :to) AS n OFFSET 0) AS c, generate_series(1, :events) AS r;

RESET session_replication_role;
