-- Search indexing (SearchIndexing/): back-off per queued case, removed-case tombstones, and a wake-up
-- notification for the indexer.

-- A row whose last attempt failed transiently waits until this time (null: due at once). The claim skips
-- rows not yet due, so one failing case does not spin while the rest of the queue drains.
ALTER TABLE ccd.es_queue ADD COLUMN next_attempt_at timestamp;

-- Where the documents of a removed case live. Disposal deletes the case_data row, so the indexer could not
-- otherwise tell which index and _id to delete; soft-deleted cases keep their row but use the same path.
CREATE TABLE ccd.es_removed_cases (
    reference     bigint PRIMARY KEY,
    case_type_id  varchar(255) NOT NULL,
    -- The search document _id: CCD's internal id, or the reference for a service-originated case.
    document_id   bigint NOT NULL,
    case_revision integer NOT NULL,
    removed_at    timestamp NOT NULL
);

-- Wakes the indexer (LISTEN ccd_es_queue) when work is queued. Statement level, and PostgreSQL folds equal
-- notifications of one transaction into one, so a bulk re-queue sends a single wake-up. The indexer's own
-- updates (lease, back-off) do not touch these columns and so never wake it.
CREATE FUNCTION ccd.notify_es_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ccd_es_queue', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER es_queue_notify
    AFTER INSERT OR UPDATE OF case_revision, enqueued_at ON ccd.es_queue
    FOR EACH STATEMENT EXECUTE FUNCTION ccd.notify_es_queue();
