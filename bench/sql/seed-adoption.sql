-- Seeds rows :adoption_from (0 unless given: bench/run --growth grows the store) to :adoption_cases - 1 of
-- adoption.cases for P4 (the case list of one court and status), spread evenly over the four seeded courts, the six
-- statuses and case years from 2000 (at most 50,000 numbers per court and year), with one active social-worker
-- assignment on about every tenth new case. 1% are soft-deleted, as a live store would have.
-- bench/run runs it in several sessions at once over disjoint ranges (Cluster.seed), then vacuums (Cluster.settle).
\set ON_ERROR_STOP on
\if :{?adoption_from}
\else
\set adoption_from 0
\endif
-- A bulk load whose rows satisfy every foreign key by construction: this session skips the per-row checks (each
-- would also lock a court row that every concurrent seeding session locks too), as a restore does.
SET session_replication_role = replica;

WITH seeded AS (
    INSERT INTO adoption.cases (id, case_number, court_code, case_year, case_sequence, ccd_reference, status,
                                applicant_name, applicant_email, child_name, child_date_of_birth, version,
                                created_at, created_by, updated_at, updated_by, deleted_at, deleted_by)
    SELECT gen_random_uuid(),
           court || '/' || year || '/' || lpad(seq::text, 5, '0'), court, year, seq,
           bench.ref(5000000000 + n),
           (ARRAY['APPLICATION','DIRECTIONS','HEARING','ORDER_MADE','CLOSED','WITHDRAWN'])[1 + (n / 4) % 6],
           'Applicant ' || n, 'applicant' || n || '@example.org', 'Child ' || n, date '2019-01-01' + (n % 2000), 1,
           stamp, 'bench-seed', stamp, 'bench-seed',
           CASE WHEN n % 100 = 0 THEN stamp END, CASE WHEN n % 100 = 0 THEN 'bench-seed' END
    FROM generate_series(:adoption_from, :adoption_cases - 1) AS n,
         LATERAL (SELECT (ARRAY['BFC','MFC','LFC','CFC'])[1 + n % 4] AS court,
                         2000 + (n / 4) / 50000 AS year,
                         1 + (n / 4) % 50000 AS seq,
                         timestamp '2000-01-01' + make_interval(mins => n) AS stamp) AS parts
    RETURNING id, created_at
)
INSERT INTO adoption.case_assignments (id, case_id, user_id, role, assigned_at, assigned_by)
SELECT gen_random_uuid(), id, 'social-worker-' || (abs(hashtext(id::text)) % 1000), 'social-worker', created_at, 'bench-seed'
FROM seeded
WHERE random() < 0.1;

RESET session_replication_role;
