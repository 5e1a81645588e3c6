-- `import` (Import/): the cases import wrote and the revision it left each at. A re-run never replaces a case whose
-- revision has moved past it (live events after the switch), the progress counters count these cases rather than
-- writes, and cutover finds the imported cases CCD has deleted since. Gone with the case (retention, removal).
CREATE TABLE ccd.import_cases (
    reference    bigint PRIMARY KEY REFERENCES ccd.case_data (reference) ON DELETE CASCADE,
    case_type_id varchar(255) NOT NULL,
    revision     integer NOT NULL,
    imported_at  timestamp NOT NULL
);
CREATE INDEX import_cases_case_type ON ccd.import_cases (case_type_id);

-- Stores imported before this table existed: their cases of imported case types count as imported as they are now.
INSERT INTO ccd.import_cases (reference, case_type_id, revision, imported_at)
SELECT c.reference, c.case_type_id, c.revision, p.updated_at
FROM ccd.case_data c JOIN ccd.data_migration_progress p ON p.case_type_id = c.case_type_id
WHERE c.id IS NOT NULL;
