-- The claims service's own table: one row per submitted claim, and to whom and when its acknowledgement went.
CREATE SCHEMA claims;

CREATE TABLE claims.submissions (
    reference       bigint PRIMARY KEY,
    amount_pence    bigint NOT NULL,
    submitted_at    timestamptz NOT NULL,
    acknowledged_to text,
    acknowledged_at timestamptz
);
