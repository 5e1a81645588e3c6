-- The runtime role (docs/operations.md, "Database roles"): `serve` connects as a login that is a member of
-- ccd_runtime, never as the owner of these tables. Owning a table is what lets a role disable or drop its
-- triggers, truncate it, or grant itself what it lacks, so the runtime gets data privileges only, and on the
-- append-only history only INSERT and SELECT. `migrate` runs as the owner.
-- Creating the role needs CREATEROLE (the Azure administrator has it); where it exists already this does nothing.
-- Roles belong to the cluster: two databases migrating at once may both try, and one then finds it made.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ccd_runtime') THEN
        CREATE ROLE ccd_runtime NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

GRANT USAGE ON SCHEMA ccd TO ccd_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ccd TO ccd_runtime;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ccd TO ccd_runtime;

-- A case's history is written once: events and their significant items are never changed or removed by the service.
REVOKE UPDATE, DELETE ON ccd.case_event, ccd.case_event_significant_items FROM ccd_runtime;
-- The service reads the journal (readiness checks it is current) and never writes it.
REVOKE INSERT, UPDATE, DELETE ON ccd.schema_migrations FROM ccd_runtime;

-- Schemas, tables and sequences created later by this same owner (the runtime's next migrations and the
-- service's own) get the same data privileges; a later append-only table revokes UPDATE and DELETE itself.
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO ccd_runtime;
ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ccd_runtime;
ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT ON SEQUENCES TO ccd_runtime;
