-- The indexer's leases as one row per claimed batch (SearchIndexing/IndexQueue.cs), instead of a lease written
-- into every claimed queue row: a claim took a row lock and made a lease update of each of its rows (two WAL
-- records and a new row version per case), which cost PostgreSQL about as much as reading the cases themselves.
-- A queue row is leased while its reference is in the `refs` of a lease that has not ended; claims are serialised
-- (a transaction advisory lock), so each one sees every earlier claim's lease. The lease columns of
-- ccd.es_queue (locked_until, lock_token) are no longer written; they stay so that a replica of the previous
-- version, during a rolling deployment, still runs its own statements.
CREATE TABLE ccd.es_queue_leases (
    token        uuid PRIMARY KEY,
    locked_until timestamp NOT NULL,
    refs         bigint[] NOT NULL
);

-- The queue rows are no longer updated when claimed, so the room 0090 kept for HOT lease updates is not needed;
-- a back-off update (a failed case) is rare. Applies to pages written from now on.
ALTER TABLE ccd.es_queue RESET (fillfactor);
