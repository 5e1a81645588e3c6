-- The runtime role (created by the runtime's ccd/0045_runtime_role.sql) on the adoption schema. Tables created
-- before that migration get their grants here; later ones get them from its default privileges.
GRANT USAGE ON SCHEMA adoption TO ccd_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA adoption TO ccd_runtime;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA adoption TO ccd_runtime;

-- The audit log is append-only: besides its triggers (which the runtime cannot disable, not owning the table),
-- the runtime may only add and read rows.
REVOKE UPDATE, DELETE ON adoption.audit_log FROM ccd_runtime;
