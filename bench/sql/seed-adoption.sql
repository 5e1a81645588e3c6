-- Seeds rows :adoption_from (0 unless given: bench/run --growth grows the store) to :adoption_cases - 1 of
-- adoption.cases for P4 (the case list of one court and status), spread evenly over the four seeded courts, the six
-- statuses and case years from 2000 (at most 50,000 numbers per court and year), with one active social-worker
-- assignment on every tenth new case. 1% are soft-deleted, as a live store would have.
\set ON_ERROR_STOP on
\if :{?adoption_from}
\else
\set adoption_from 0
\endif
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
                     timestamp '2000-01-01' + make_interval(mins => n) AS stamp) AS parts;

INSERT INTO adoption.case_assignments (id, case_id, user_id, role, assigned_at, assigned_by)
SELECT gen_random_uuid(), id, 'social-worker-' || (abs(hashtext(id::text)) % 1000), 'social-worker', created_at, 'bench-seed'
FROM adoption.cases TABLESAMPLE BERNOULLI (10)
WHERE created_at >= timestamp '2000-01-01' + make_interval(mins => :adoption_from);

VACUUM ANALYZE adoption.cases;
VACUUM ANALYZE adoption.case_assignments;
