-- Grows the P1 data set to the P3 size: cases :from..:to (1,000,000 by default), each with 11 events, so the store
-- holds 1M cases and about 10M events. Their version and revision are 11; P3 updates them as P1 does.
\set ON_ERROR_STOP on
INSERT INTO ccd.case_data (reference, id, jurisdiction, case_type_id, state, data, security_classification,
                           version, revision, created_date, last_modified, last_state_modified_date)
SELECT bench.ref(n), n, 'BENCH', 'BENCH', 'Open', bench.blob(n, 11), 'PUBLIC', 11, 11,
       now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc'
FROM generate_series(:from, :to) AS n;

INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, summary, description,
                            user_id, user_first_name, user_last_name, created_date, case_type_id, state_id, state_name,
                            data, security_classification)
SELECT bench.ref(n), r, r, CASE r WHEN 1 THEN 'create' ELSE 'update' END, 'Update', 'seed', 'seeded', 'bench-user',
       'Bench', 'User', now() AT TIME ZONE 'utc', 'BENCH', 'Open', 'Open', bench.blob(n, r), 'PUBLIC'
FROM generate_series(:from, :to) AS n, generate_series(1, 11) AS r;
ANALYZE;
