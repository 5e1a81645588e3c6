-- Serves the publisher's claim (Publishing/OutboxStore.cs), which walks unsent rows oldest first by id;
-- without it the scan would also pass over every published row kept for the retention period.
CREATE INDEX message_queue_candidates_unsent_id ON ccd.message_queue_candidates (id) WHERE published IS NULL;
