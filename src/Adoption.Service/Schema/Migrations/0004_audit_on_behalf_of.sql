-- A write done by one user for another (CCD's proxied submits, service events with an on-behalf-of user) names
-- both: actor is the authenticated caller whose authority the write used, on_behalf_of the user it was done for.
ALTER TABLE adoption.audit_log ADD COLUMN on_behalf_of varchar(64);
