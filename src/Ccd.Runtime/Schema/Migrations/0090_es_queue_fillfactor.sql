-- `ccd.es_queue` (SearchIndexing/IndexQueue.cs): room on each page for the claim's lease update to stay a HOT update
-- (locked_until and lock_token are not indexed), so a claim writes no index entries for its rows; pages filled
-- completely, as a bulk queueing fills them, moved every leased row to another page with new entries in both
-- indexes. Applies to rows written from now on; the queue is transient, so its old pages drain away.
ALTER TABLE ccd.es_queue SET (fillfactor = 50);
