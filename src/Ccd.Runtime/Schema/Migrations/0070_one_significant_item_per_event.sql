-- An event has at most one significant item (CCD's history shows one per event), enforced here rather than trusted
-- to every writer. Where an earlier import brought several for one event, the newest stays: it is the one history showed.
DELETE FROM ccd.case_event_significant_items s
USING ccd.case_event_significant_items newer
WHERE newer.case_event_id = s.case_event_id AND newer.id > s.id;

DROP INDEX ccd.case_event_significant_items_event;
ALTER TABLE ccd.case_event_significant_items
    ADD CONSTRAINT case_event_significant_items_one_per_event UNIQUE (case_event_id);
