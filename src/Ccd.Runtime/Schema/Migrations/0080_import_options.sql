-- `import` (Import/ImportFingerprint.cs): the options a case type's import started with (its source database), so a
-- resumed run with other options is refused naming the difference. Null for imports started before this column
-- existed: their next run records its own.
ALTER TABLE ccd.data_migration_progress ADD COLUMN options jsonb;
