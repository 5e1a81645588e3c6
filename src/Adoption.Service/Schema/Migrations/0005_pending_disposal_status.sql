-- CCD's retain-and-dispose state: MarkForDisposal moves an A58 case whose record period has ended into
-- PendingDisposal (CCD's fixed state id), where it stays until retention deletes it.
ALTER TABLE adoption.cases DROP CONSTRAINT cases_status_known;
ALTER TABLE adoption.cases ADD CONSTRAINT cases_status_known
    CHECK (status IN ('APPLICATION', 'DIRECTIONS', 'HEARING', 'ORDER_MADE', 'CLOSED', 'WITHDRAWN', 'PendingDisposal'));
