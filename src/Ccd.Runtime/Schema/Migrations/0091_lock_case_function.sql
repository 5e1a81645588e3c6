-- The case lock and the loads behind it in one statement (Store/CaseLock.cs): every write of a case, from CCD or
-- the service, starts with it. A statement's snapshot is taken before it runs, so a plain SELECT calling
-- pg_advisory_xact_lock could read the case as it was before the lock was granted; PL/pgSQL takes a fresh
-- snapshot for each query of a VOLATILE function (the default), so the row and the idempotency key's event are
-- read after the lock, as separate statements did. `stored` is the whole row (NULL when there is none), in the
-- table's own row type so later columns need no new function; `key` NULL finds no event.
CREATE FUNCTION ccd.lock_case(case_ref bigint, key uuid)
RETURNS TABLE (stored ccd.case_data, key_reference bigint, key_fingerprint text, key_response bytea)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(case_ref);
    RETURN QUERY
        SELECT c, e.case_reference, e.request_fingerprint, e.response_body
        FROM (SELECT) AS one
        LEFT JOIN ccd.case_data AS c ON c.reference = case_ref
        LEFT JOIN ccd.case_event AS e ON e.idempotency_key = key;
END
$$;
