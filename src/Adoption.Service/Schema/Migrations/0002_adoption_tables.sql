-- The adoption service's tables (SPEC 5). UUID keys; the only key with meaning is the human case number.
-- Timestamps are `timestamp without time zone` holding UTC, taken from the application clock.

CREATE TABLE adoption.courts (
    code varchar(8)   PRIMARY KEY CONSTRAINT courts_code_format CHECK (code ~ '^[A-Z]{2,8}$'),
    name varchar(200) NOT NULL CONSTRAINT courts_name_not_blank CHECK (btrim(name) <> '')
);

INSERT INTO adoption.courts (code, name) VALUES
    ('BFC', 'Birmingham Family Court'),
    ('MFC', 'Manchester Family Court'),
    ('LFC', 'Leeds Family Court'),
    ('CFC', 'Central Family Court');

-- The last case number handed out per court and year. The creating transaction keeps the row locked until it
-- commits or rolls back, so numbers are taken in commit order: no gaps and no duplicates.
CREATE TABLE adoption.court_sequences (
    court_code  varchar(8) NOT NULL REFERENCES adoption.courts (code),
    year        integer    NOT NULL CONSTRAINT court_sequences_year_range CHECK (year BETWEEN 2000 AND 9999),
    last_number integer    NOT NULL CONSTRAINT court_sequences_last_number_range CHECK (last_number BETWEEN 0 AND 99999),
    PRIMARY KEY (court_code, year)
);

CREATE TABLE adoption.cases (
    id                  uuid        PRIMARY KEY,
    case_number         varchar(20) NOT NULL CONSTRAINT cases_case_number_unique UNIQUE,
    court_code          varchar(8)  NOT NULL REFERENCES adoption.courts (code),
    case_year           integer     NOT NULL CONSTRAINT cases_case_year_range CHECK (case_year BETWEEN 2000 AND 9999),
    case_sequence       integer     NOT NULL CONSTRAINT cases_case_sequence_range CHECK (case_sequence BETWEEN 1 AND 99999),
    -- The 16-digit CCD reference; minted by the service for cases created through its own API.
    ccd_reference       bigint      NOT NULL CONSTRAINT cases_ccd_reference_unique UNIQUE
        CONSTRAINT cases_ccd_reference_16_digits CHECK (ccd_reference BETWEEN 1000000000000000 AND 9999999999999999),
    status              varchar(16) NOT NULL
        CONSTRAINT cases_status_known CHECK (status IN ('APPLICATION', 'DIRECTIONS', 'HEARING', 'ORDER_MADE', 'CLOSED', 'WITHDRAWN')),
    applicant_name      varchar(200) NOT NULL CONSTRAINT cases_applicant_name_not_blank CHECK (btrim(applicant_name) <> ''),
    applicant_email     varchar(254) CONSTRAINT cases_applicant_email_format CHECK (applicant_email ~ '^[^@\s]+@[^@\s]+$'),
    applicant_phone     varchar(30),
    child_name          varchar(200) NOT NULL CONSTRAINT cases_child_name_not_blank CHECK (btrim(child_name) <> ''),
    child_date_of_birth date,
    version             integer     NOT NULL CONSTRAINT cases_version_positive CHECK (version >= 1),
    created_at          timestamp   NOT NULL,
    created_by          varchar(64) NOT NULL,
    updated_at          timestamp   NOT NULL,
    updated_by          varchar(64) NOT NULL,
    deleted_at          timestamp,
    deleted_by          varchar(64),
    CONSTRAINT cases_number_per_court_and_year_unique UNIQUE (court_code, case_year, case_sequence),
    CONSTRAINT cases_case_number_matches_parts
        CHECK (case_number = court_code || '/' || case_year::text || '/' || lpad(case_sequence::text, 5, '0')),
    CONSTRAINT cases_deleted_together CHECK ((deleted_at IS NULL) = (deleted_by IS NULL)),
    CONSTRAINT cases_updated_after_created CHECK (updated_at >= created_at)
);

-- Serves the case list of one court and status, newest first (SPEC 7 P4), and its count.
CREATE INDEX cases_court_status_created ON adoption.cases (court_code, status, created_at DESC, id DESC) WHERE deleted_at IS NULL;
-- Serves the case list of one court (any status), newest first.
CREATE INDEX cases_court_created ON adoption.cases (court_code, created_at DESC, id DESC) WHERE deleted_at IS NULL;
-- Serves the administrator's list of all cases, newest first.
CREATE INDEX cases_created ON adoption.cases (created_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE adoption.case_assignments (
    id          uuid        PRIMARY KEY,
    case_id     uuid        NOT NULL REFERENCES adoption.cases (id),
    user_id     varchar(64) NOT NULL CONSTRAINT case_assignments_user_id_not_blank CHECK (btrim(user_id) <> ''),
    role        varchar(16) NOT NULL CONSTRAINT case_assignments_role_known CHECK (role IN ('social-worker', 'adopter', 'cafcass')),
    assigned_at timestamp   NOT NULL,
    assigned_by varchar(64) NOT NULL,
    revoked_at  timestamp,
    revoked_by  varchar(64),
    CONSTRAINT case_assignments_revoked_together CHECK ((revoked_at IS NULL) = (revoked_by IS NULL)),
    CONSTRAINT case_assignments_revoked_after_assigned CHECK (revoked_at >= assigned_at)
);

-- One active assignment per user and case; revoked ones stay as history.
CREATE UNIQUE INDEX case_assignments_one_active_per_user ON adoption.case_assignments (case_id, user_id) WHERE revoked_at IS NULL;
-- Serves the visibility predicate: the cases a user is actively assigned to.
CREATE INDEX case_assignments_active_by_user ON adoption.case_assignments (user_id, case_id) WHERE revoked_at IS NULL;

CREATE TABLE adoption.documents (
    id                uuid          PRIMARY KEY,
    case_id           uuid          NOT NULL REFERENCES adoption.cases (id),
    file_name         varchar(255)  NOT NULL CONSTRAINT documents_file_name_not_blank CHECK (btrim(file_name) <> ''),
    content_type      varchar(127)  NOT NULL CONSTRAINT documents_content_type_format CHECK (content_type ~ '^[a-z0-9.+-]+/[a-z0-9.+-]+$'),
    size_bytes        bigint        NOT NULL CONSTRAINT documents_size_non_negative CHECK (size_bytes >= 0),
    sha256            char(64)      CONSTRAINT documents_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage_ref       varchar(1024),
    upload_status     varchar(16)   NOT NULL
        CONSTRAINT documents_upload_status_known CHECK (upload_status IN ('PENDING', 'UPLOADED', 'FAILED')),
    virus_scan_status varchar(16)   NOT NULL
        CONSTRAINT documents_virus_scan_status_known CHECK (virus_scan_status IN ('PENDING', 'CLEAN', 'INFECTED', 'FAILED')),
    ocr_status        varchar(16)   NOT NULL
        CONSTRAINT documents_ocr_status_known CHECK (ocr_status IN ('NOT_REQUESTED', 'PENDING', 'COMPLETED', 'FAILED')),
    uploaded_by       varchar(64)   NOT NULL,
    uploaded_at       timestamp     NOT NULL,
    updated_at        timestamp     NOT NULL,
    deleted_at        timestamp,
    deleted_by        varchar(64),
    CONSTRAINT documents_deleted_together CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
);

-- Serves a case's document list and the case view.
CREATE INDEX documents_case ON adoption.documents (case_id, uploaded_at) WHERE deleted_at IS NULL;

CREATE TABLE adoption.audit_log (
    id        uuid        PRIMARY KEY,
    -- Insertion order, so a case's audit trail reads in the order it was written even within one millisecond.
    sequence  bigint      GENERATED ALWAYS AS IDENTITY CONSTRAINT audit_log_sequence_unique UNIQUE,
    at        timestamp   NOT NULL,
    actor     varchar(64) NOT NULL,
    action    varchar(64) NOT NULL,
    entity    varchar(16) NOT NULL CONSTRAINT audit_log_entity_known CHECK (entity IN ('case', 'assignment', 'document')),
    entity_id uuid        NOT NULL,
    case_id   uuid        NOT NULL REFERENCES adoption.cases (id),
    details   jsonb       NOT NULL DEFAULT '{}' CONSTRAINT audit_log_details_is_object CHECK (jsonb_typeof(details) = 'object')
);

-- Serves GET /api/cases/{id}/audit.
CREATE INDEX audit_log_case ON adoption.audit_log (case_id, sequence);

-- The audit log is append-only for everyone, the table owner and superusers included: privileges cannot
-- express that (an owner can always grant itself UPDATE), a trigger can.
CREATE FUNCTION adoption.audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'adoption.audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON adoption.audit_log
    FOR EACH ROW EXECUTE FUNCTION adoption.audit_log_refuse_change();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON adoption.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION adoption.audit_log_refuse_change();
