-- Serves `jobs list --failed`, `status` and the failed-jobs gauge: failed jobs are few among many done ones,
-- and the due index (queued, running) does not cover them.
CREATE INDEX jobs_failed ON ccd.jobs (id) WHERE status = 'failed';
