-- SPEC 7's P1 baseline: the least work one update event needs, as fixed SQL (driven by pgbench).
-- Case numbers P1_FIRST.. are touched once each per run, as the HTTP run does; pgbench picks them at random.
\set n random(:first, :last)
BEGIN;
SELECT reference, data, version, revision FROM ccd.case_data WHERE reference = bench.ref(:n) FOR UPDATE;
UPDATE ccd.case_data SET data = bench.blob(:n, 1), version = version + 1, revision = revision + 1,
       last_modified = now() AT TIME ZONE 'utc'
 WHERE reference = bench.ref(:n);
INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, summary, description,
                            user_id, user_first_name, user_last_name, created_date, case_type_id, state_id, state_name,
                            data, security_classification, idempotency_key, request_fingerprint, response_body)
SELECT reference, revision, version, 'update', 'Update', 'bench', 'bench update', 'bench-user', 'Bench', 'User',
       now() AT TIME ZONE 'utc', 'BENCH', 'Open', 'Open', data, 'PUBLIC', gen_random_uuid(), md5(random()::text),
       convert_to(data::text || data::text, 'UTF8')
  FROM ccd.case_data WHERE reference = bench.ref(:n);
INSERT INTO ccd.es_queue (reference, case_revision, enqueued_at)
SELECT reference, revision, now() AT TIME ZONE 'utc' FROM ccd.case_data WHERE reference = bench.ref(:n)
ON CONFLICT (reference) DO UPDATE SET case_revision = GREATEST(ccd.es_queue.case_revision, EXCLUDED.case_revision),
                                      enqueued_at = LEAST(ccd.es_queue.enqueued_at, EXCLUDED.enqueued_at);
COMMIT;
