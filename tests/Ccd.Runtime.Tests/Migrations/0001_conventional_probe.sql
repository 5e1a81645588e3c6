-- Found by convention (MigrationConventionTests): embedded from the test assembly's Migrations folder.
CREATE TABLE conventional_probe (id integer PRIMARY KEY);
