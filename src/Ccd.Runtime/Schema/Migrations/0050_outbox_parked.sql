-- Poison messages (docs/publishing.md): a message the broker refuses for good is parked with its reason, and
-- blocks only its own case (its later messages wait behind it, as for any unsent row). An operator releases it
-- with `outbox retry <id>` or gives it up with `outbox skip <id>`, which records who and why and marks it
-- published at the skip time (so it leaves the unsent set and is deleted with published rows).
ALTER TABLE ccd.message_queue_candidates
    ADD COLUMN send_failures integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error    text,
    ADD COLUMN parked_at     timestamp,
    ADD COLUMN parked_reason text,
    ADD COLUMN skipped_at    timestamp,
    ADD COLUMN skipped_by    text,
    ADD COLUMN skip_reason   text;

-- Serves `outbox parked`, the parked gauge, and the status figures of messages held behind a parked one.
CREATE INDEX message_queue_candidates_parked ON ccd.message_queue_candidates (reference, id)
    WHERE parked_at IS NOT NULL AND published IS NULL;
