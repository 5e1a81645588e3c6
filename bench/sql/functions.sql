-- Helpers shared by the seed and the pgbench baseline: the benchmark's case references.
CREATE SCHEMA IF NOT EXISTS bench;

-- The n-th benchmark case reference: 15 payload digits (100000000000000 + n) and a Luhn check digit, as CCD makes them.
CREATE OR REPLACE FUNCTION bench.ref(n bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH payload AS (SELECT (100000000000000 + n)::text AS digits),
    sum AS (
        SELECT sum(CASE WHEN (length(digits) - pos) % 2 = 0
                        THEN (CASE WHEN d * 2 > 9 THEN d * 2 - 9 ELSE d * 2 END)
                        ELSE d END) AS total
        FROM payload, LATERAL (SELECT pos, substr(digits, pos, 1)::int AS d FROM generate_series(1, length(digits)) AS pos) AS digit
    )
    SELECT ((SELECT digits FROM payload) || ((10 - (total % 10)) % 10)::text)::bigint FROM sum
$$;

-- A realistic ~1 KB case blob for case n at step s.
CREATE OR REPLACE FUNCTION bench.blob(n bigint, s int) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'caseName', 'Bench case ' || n,
        'applicantFirstName', 'Alex', 'applicantLastName', 'Smith' || n,
        'childFirstName', 'Sam', 'childLastName', 'Smith' || n, 'childDateOfBirth', '2019-04-01',
        'courtCode', (ARRAY['BFC','MFC','LFC','CFC'])[1 + n % 4],
        'step', s,
        'notes', repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 12),
        'SearchCriteria', jsonb_build_object('OtherCaseReferences', jsonb_build_array(jsonb_build_object('id', n::text, 'value', 'REF' || n)))
    )
$$;
