-- More fresh P1 cases: :from..:to, version and revision 1, one creation event each (as seed-cases.sql seeds them),
-- so a run that sends more updates than the first data set holds still updates each case once.
\set ON_ERROR_STOP on
INSERT INTO ccd.case_data (reference, id, jurisdiction, case_type_id, state, data, security_classification,
                           version, revision, created_date, last_modified, last_state_modified_date)
SELECT bench.ref(n), n, 'BENCH', 'BENCH', 'Open', bench.blob(n, 0), 'PUBLIC', 1, 1,
       now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc'
FROM generate_series(:from, :to) AS n;

INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, summary, description,
                            user_id, user_first_name, user_last_name, created_date, case_type_id, state_id, state_name,
                            data, security_classification)
SELECT bench.ref(n), 1, 1, 'create', 'Create', 'seed', 'seeded', 'bench-user', 'Bench', 'User',
       now() AT TIME ZONE 'utc', 'BENCH', 'Open', 'Open', bench.blob(n, 0), 'PUBLIC'
FROM generate_series(:from, :to) AS n;
