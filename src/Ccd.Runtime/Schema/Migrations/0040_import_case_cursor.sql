-- `import` (Import/): the preload copies CCD cases in batches ordered by CCD's case_data.id; the cursor is the
-- last id copied, advanced in the same transaction as the batch, so a killed preload resumes after it.
ALTER TABLE ccd.data_migration_progress ADD COLUMN case_cursor bigint NOT NULL DEFAULT 0;
