-- Hearings and notifications (issue 8): the date a listHearing event sets, and what the hearing job told whom.

-- The day of the listed hearing; null until the case is listed (and for cases listed through the REST API
-- without a date).
ALTER TABLE adoption.cases ADD COLUMN hearing_date date;

-- Notifications sent by post-submission jobs, as the local notification sender records them. Ids only in the
-- columns; the payload carries what the notice says.
CREATE TABLE adoption.notifications (
    id                uuid         PRIMARY KEY,
    recipient_user_id varchar(64)  NOT NULL CONSTRAINT notifications_recipient_not_blank CHECK (btrim(recipient_user_id) <> ''),
    kind              varchar(64)  NOT NULL CONSTRAINT notifications_kind_not_blank CHECK (btrim(kind) <> ''),
    -- A notification belongs to its case: if a case row is ever removed, its notifications go with it.
    case_id           uuid         NOT NULL REFERENCES adoption.cases (id) ON DELETE CASCADE,
    created_at        timestamp    NOT NULL,
    payload           jsonb        NOT NULL DEFAULT '{}' CONSTRAINT notifications_payload_is_object CHECK (jsonb_typeof(payload) = 'object'),
    -- The idempotency key of the job that sent it (as long as ccd.jobs allows).
    job_key           varchar(512) NOT NULL,
    -- Jobs run at least once: a retried job finds its earlier notification here and adds no second one.
    CONSTRAINT notifications_once_per_job_and_recipient UNIQUE (job_key, recipient_user_id)
);

-- Serves a user's notifications, newest first.
CREATE INDEX notifications_recipient_created ON adoption.notifications (recipient_user_id, created_at DESC);
-- Serves the foreign key when a case row is removed.
CREATE INDEX notifications_case ON adoption.notifications (case_id);
