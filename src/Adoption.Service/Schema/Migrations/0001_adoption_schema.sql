-- The adoption service's own schema. Its tables arrive in the following migrations.
CREATE SCHEMA IF NOT EXISTS adoption;
