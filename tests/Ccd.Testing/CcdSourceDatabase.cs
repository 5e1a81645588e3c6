using Npgsql;
using NpgsqlTypes;

namespace Ccd.Testing;

/// <summary>
/// A database with central CCD's own schema (<c>case_data</c>, <c>case_event</c>,
/// <c>case_event_significant_items</c>, <c>case_users</c>, <c>case_link</c>, as CCD's migrations create them) and
/// rows as CCD writes them (version 0 for a case with only its create event, timestamps without time zone to the
/// microsecond, creators in <c>case_users</c>, pointer rows for decentralised cases), in the test server, for
/// <c>import</c> tests.
/// </summary>
public static class CcdSourceDatabase
{
    // CCD's own tables as its migrations leave them on ccd-data-store-api master (4f90093c): V0001__Base_version.sql,
    // V20210705_12594 (case_users.role_category), V20210921_12840 (case_data.resolved_ttl), V20211018_12841 and
    // V20220324_13139 (case_link), V20250306_0000__CCD-6936 (pointer rows stay marked for logstash); column by
    // column: types, nullability, defaults, keys, the enums and the logstash trigger. Written from those files,
    // not copied; the schema test (CcdSourceDatabaseSchemaTests) holds the fixture to this list.
    private const string SchemaSql = """
        CREATE TYPE securityclassification AS ENUM ('PUBLIC', 'PRIVATE', 'RESTRICTED');
        CREATE TYPE significant_item_type AS ENUM ('DOCUMENT');
        CREATE TYPE case_users_audit_action AS ENUM ('GRANT', 'REVOKE');
        CREATE TABLE case_data (
            id bigserial PRIMARY KEY,
            created_date timestamp without time zone NOT NULL DEFAULT now(),
            last_modified timestamp without time zone,
            jurisdiction varchar(255) NOT NULL,
            case_type_id varchar(255) NOT NULL,
            state varchar(255) NOT NULL,
            data jsonb NOT NULL,
            data_classification jsonb,
            reference bigint NOT NULL CONSTRAINT case_data_reference_key UNIQUE,
            security_classification securityclassification NOT NULL,
            version integer DEFAULT 1,
            last_state_modified_date timestamp without time zone,
            supplementary_data jsonb,
            marked_by_logstash boolean DEFAULT false,
            resolved_ttl date
        );
        -- CCD's logstash flag: reset on every write of a case, except that a pointer row ({} and '') stays set.
        CREATE FUNCTION set_case_data_marked_by_logstash() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.marked_by_logstash := (NEW.data = '{}'::jsonb AND NEW.state = '');
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER trg_case_data_updated
            BEFORE INSERT OR UPDATE OF data, data_classification, last_modified, last_state_modified_date, security_classification, state, supplementary_data
            ON case_data FOR EACH ROW EXECUTE FUNCTION set_case_data_marked_by_logstash();
        ALTER TABLE case_data ADD CONSTRAINT case_pointer_always_marked_by_logstash
            CHECK (marked_by_logstash OR NOT (data = '{}'::jsonb AND state = '')) NOT VALID;
        CREATE TABLE case_event (
            id bigserial PRIMARY KEY,
            created_date timestamp without time zone NOT NULL DEFAULT now(),
            event_id varchar(70) NOT NULL,
            summary varchar(1024),
            description varchar(65536),
            user_id varchar(64) NOT NULL,
            case_data_id bigserial NOT NULL CONSTRAINT fk_case_event_case_data REFERENCES case_data (id), -- CCD's base dump left a serial default here
            case_type_id varchar(255) NOT NULL,
            case_type_version integer NOT NULL,
            state_id varchar(255) NOT NULL,
            data jsonb NOT NULL,
            user_first_name varchar(255) NOT NULL DEFAULT NULL,
            user_last_name varchar(255) NOT NULL DEFAULT NULL,
            event_name varchar(30) NOT NULL DEFAULT NULL,
            state_name varchar(255) NOT NULL DEFAULT '',
            data_classification jsonb,
            security_classification securityclassification NOT NULL,
            proxied_by varchar(64),
            proxied_by_first_name varchar(255),
            proxied_by_last_name varchar(255)
        );
        CREATE INDEX idx_case_event_case_data_id ON case_event (case_data_id);
        CREATE TABLE case_event_significant_items (
            id serial CONSTRAINT pk_case_event_significant_items PRIMARY KEY,
            description varchar(64) NOT NULL,
            type significant_item_type NOT NULL,
            url text,
            case_event_id serial NOT NULL CONSTRAINT fk_case_event_items_case_event_id REFERENCES case_event (id) -- a serial default, as in CCD's
        );
        CREATE TABLE case_users (
            case_data_id bigint NOT NULL,
            user_id varchar(64) NOT NULL,
            case_role varchar(40) NOT NULL DEFAULT '[CREATOR]',
            role_category varchar(50),
            CONSTRAINT case_users_pkey PRIMARY KEY (case_data_id, user_id, case_role)
        );
        CREATE TABLE case_users_audit (
            id bigserial PRIMARY KEY,
            case_data_id bigint NOT NULL,
            user_id varchar(64) NOT NULL,
            changed_by_id varchar(64) NOT NULL,
            changed_at timestamp without time zone NOT NULL DEFAULT now(),
            action case_users_audit_action NOT NULL,
            case_role varchar(40) NOT NULL DEFAULT '[CREATOR]'
        );
        CREATE TABLE case_link (
            case_id bigint NOT NULL CONSTRAINT fk_case_link_case_id_case_data REFERENCES case_data (id),
            linked_case_id bigint NOT NULL CONSTRAINT fk_case_link_linked_case_id_case_data REFERENCES case_data (id),
            case_type_id varchar(255) NOT NULL,
            standard_link boolean DEFAULT false,
            PRIMARY KEY (case_id, linked_case_id)
        );
        -- Not CCD's: the fixture's valid 16-digit references (Luhn check digit), as CCD generates them.
        CREATE FUNCTION test_reference(n bigint) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE
            body bigint := 160000000000000 + n;
            digits text := body::text;
            total int := 0;
            d int;
        BEGIN
            FOR i IN 1..length(digits) LOOP
                d := substr(digits, length(digits) - i + 1, 1)::int;
                IF i % 2 = 1 THEN
                    d := d * 2;
                    IF d > 9 THEN d := d - 9; END IF;
                END IF;
                total := total + d;
            END LOOP;
            RETURN body * 10 + (10 - total % 10) % 10;
        END
        $$;
        """;

    // Cases 1..@cases: every fourth is B1, every tenth C9 (never imported), the rest A58. CCD's entity version
    // starts at 0 with the create event and goes up by one per later event, so most cases have events - 1 (0 for a
    // case with only its create event); some have a version above that (data changed by events CCD did not record),
    // some below; some optional columns are null as in old CCD rows (last_state_modified_date, which CCD records
    // only since February 2020), never last_modified: CCD sets it on every save of a case it stores, its creation
    // included (DefaultCaseDetailsRepository.set), a moment after the creation time of a case with only its create
    // event. Events of different cases interleave in id order, as CCD writes them.
    private const string CasesSql = """
        INSERT INTO case_data (id, reference, jurisdiction, case_type_id, state, data, data_classification, security_classification,
                               version, created_date, last_modified, last_state_modified_date, supplementary_data, resolved_ttl)
        SELECT 1000 + g, test_reference(g), 'ADOPTION',
               CASE WHEN g % 10 = 0 THEN 'C9' WHEN g % 4 = 0 THEN 'B1' ELSE 'A58' END,
               CASE WHEN g % 3 = 0 THEN 'Submitted' ELSE 'Open' END,
               jsonb_build_object('applicantName', 'Applicant ' || g, 'child', jsonb_build_object('age', g % 17, 'name', 'Zoë ' || g),
                                  'notes', jsonb_build_array('first', 'second ' || g)),
               CASE WHEN g % 5 = 0 THEN NULL ELSE '{"applicantName":"PUBLIC"}'::jsonb END,
               (CASE WHEN g % 11 = 0 THEN 'PRIVATE' ELSE 'PUBLIC' END)::securityclassification,
               CASE WHEN g % 7 = 0 THEN @events + 5 WHEN g % 2 = 0 OR @events = 1 THEN @events - 1 ELSE greatest(@events - 2, 1) END,
               timestamp '2024-01-01 08:00:00' + g * interval '1 minute',
               CASE WHEN @events = 1 THEN timestamp '2024-01-01 08:00:00.007' + g * interval '1 minute'
                    ELSE timestamp '2025-01-01 08:00:00.123456' + g * interval '1 second' END,
               CASE WHEN g % 13 = 0 THEN NULL ELSE timestamp '2025-01-01 08:00:00' END,
               CASE WHEN g % 6 = 0 THEN NULL ELSE jsonb_build_object('HMCTSServiceId', 'ABA4') END,
               CASE WHEN g % 9 = 0 THEN date '2031-05-01' END
        FROM generate_series(1, @cases) AS g
        """;

    private const string EventsSql = """
        INSERT INTO case_event (id, created_date, event_id, summary, description, user_id, case_data_id, case_type_id, case_type_version,
                                state_id, data, user_first_name, user_last_name, event_name, state_name, data_classification,
                                security_classification, proxied_by, proxied_by_first_name, proxied_by_last_name)
        SELECT 5000 + k * @cases + g, timestamp '2024-01-01 08:00:00' + (k * @cases + g) * interval '1 second',
               CASE WHEN k = 0 THEN 'createCase' ELSE 'updateCase' END,
               CASE WHEN g % 4 = 0 THEN NULL ELSE 'summary ' || k END, 'description ' || g || '/' || k,
               'user-' || (g % 50), 1000 + g, c.case_type_id, 1 + k % 2, c.state,
               jsonb_build_object('applicantName', 'Applicant ' || g, 'step', k), 'First' || g % 7, 'Last',
               CASE WHEN k = 0 THEN 'Create case' ELSE 'Update case' END, CASE WHEN g % 8 = 0 THEN '' ELSE 'State label' END,
               CASE WHEN k % 3 = 0 THEN NULL ELSE '{}'::jsonb END, c.security_classification,
               CASE WHEN g % 15 = 0 THEN 'proxy-user' END, CASE WHEN g % 15 = 0 THEN 'Pro' END, CASE WHEN g % 15 = 0 THEN 'Xy' END
        FROM generate_series(1, @cases) AS g
        CROSS JOIN generate_series(0, @events - 1) AS k
        JOIN case_data c ON c.id = 1000 + g
        """;

    private const string ItemsSql = """
        INSERT INTO case_event_significant_items (description, type, url, case_event_id)
        SELECT 'Document ' || e.id, 'DOCUMENT', CASE WHEN e.id % 10 = 0 THEN NULL ELSE 'https://dm-store/documents/' || e.id END, e.id
        FROM case_event e WHERE e.id % 5 = 0
        """;

    // CCD grants the creator access to the case it created (case_users, role [CREATOR]).
    private const string CaseUsersSql = """
        INSERT INTO case_users (case_data_id, user_id, case_role)
        SELECT e.case_data_id, e.user_id, '[CREATOR]' FROM case_event e WHERE e.event_id = 'createCase'
        ON CONFLICT DO NOTHING
        """;

    private const string SequencesSql = """
        SELECT setval('case_data_id_seq', (SELECT max(id) FROM case_data));
        SELECT setval('case_event_id_seq', (SELECT max(id) FROM case_event));
        """;

    private const string AddEventSql = """
        WITH c AS (
            UPDATE case_data SET version = version + @version_step, state = @state, last_modified = last_modified + interval '1 day',
                                 data = data || jsonb_build_object('changed', @summary)
            WHERE reference = @reference
            RETURNING id, case_type_id, state, data, security_classification
        )
        INSERT INTO case_event (created_date, event_id, summary, user_id, case_data_id, case_type_id, case_type_version, state_id, data,
                                user_first_name, user_last_name, event_name, security_classification)
        SELECT timestamp '2026-01-02 10:00:00', 'updateCase', @summary, 'user-late', c.id, c.case_type_id, 1, c.state, c.data,
               'Late', 'User', 'Update case', c.security_classification
        FROM c
        RETURNING id
        """;

    private const string AddCaseSql = """
        INSERT INTO case_data (reference, jurisdiction, case_type_id, state, data, security_classification, version, created_date, last_modified)
        VALUES (@reference, 'ADOPTION', @case_type, 'Open', '{"applicantName":"New"}', 'PUBLIC', 0, timestamp '2026-01-02 09:00:00', timestamp '2026-01-02 09:00:00')
        """;

    /// <summary>Creates the database with <paramref name="cases"/> cases of <paramref name="eventsPerCase"/> events each; returns its connection string.</summary>
    public static async Task<string> CreateAsync(PostgresServer postgres, int cases, int eventsPerCase)
    {
        ArgumentNullException.ThrowIfNull(postgres);
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        foreach (var sql in new[] { SchemaSql, CasesSql, EventsSql, ItemsSql, CaseUsersSql, SequencesSql })
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<int>("cases", NpgsqlDbType.Integer) { TypedValue = cases });
            command.Parameters.Add(new NpgsqlParameter<int>("events", NpgsqlDbType.Integer) { TypedValue = eventsPerCase });
            await command.ExecuteNonQueryAsync();
        }

        return connectionString;
    }

    /// <summary>The reference of generated case <paramref name="n"/>.</summary>
    public static long Reference(int n) => StoreSeed.WithCheckDigit(160000000000000 + n);

    /// <summary>CCD's internal id of generated case <paramref name="n"/>.</summary>
    public static long InternalId(int n) => 1000 + n;

    /// <summary>CCD records one more event on a case (the case row changes with it); returns the new event id.</summary>
    public static async Task<long> AddEventAsync(string connectionString, long reference, string summary, int versionStep = 1, string state = "Submitted")
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(AddEventSql);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter<string>("summary", NpgsqlDbType.Varchar) { TypedValue = summary });
        command.Parameters.Add(new NpgsqlParameter<int>("version_step", NpgsqlDbType.Integer) { TypedValue = versionStep });
        command.Parameters.Add(new NpgsqlParameter<string>("state", NpgsqlDbType.Varchar) { TypedValue = state });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// An event whose id CCD took from its sequence before the preload but that committed after it: inserted now with
    /// <paramref name="eventId"/> (below the preload's mark), as CCD's insert-then-commit can leave it.
    /// </summary>
    public static async Task AddLateCommittedEventAsync(string connectionString, long reference, long eventId)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO case_event (id, created_date, event_id, summary, user_id, case_data_id, case_type_id, case_type_version, state_id, data,
                                    user_first_name, user_last_name, event_name, security_classification)
            SELECT @id, timestamp '2025-12-31 23:59:59', 'updateCase', 'committed late', 'user-slow', c.id, c.case_type_id, 1, c.state, c.data,
                   'Slow', 'User', 'Update case', c.security_classification
            FROM case_data c WHERE c.reference = @reference
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter<long>("id", NpgsqlDbType.Bigint) { TypedValue = eventId });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Deletes a case as ccd-case-disposer does: its case links, significant items, events, case users and case row.</summary>
    public static async Task DeleteCaseAsync(string connectionString, long reference)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            DELETE FROM case_link WHERE case_id IN (SELECT id FROM case_data WHERE reference = @reference) OR linked_case_id IN (SELECT id FROM case_data WHERE reference = @reference);
            DELETE FROM case_event_significant_items WHERE case_event_id IN (SELECT e.id FROM case_event e JOIN case_data c ON c.id = e.case_data_id WHERE c.reference = @reference);
            DELETE FROM case_event WHERE case_data_id IN (SELECT id FROM case_data WHERE reference = @reference);
            DELETE FROM case_users WHERE case_data_id IN (SELECT id FROM case_data WHERE reference = @reference);
            DELETE FROM case_data WHERE reference = @reference;
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>CCD creates a new case at version 0, as CCD does (its first event comes through <see cref="AddEventAsync"/>).</summary>
    public static async Task AddCaseAsync(string connectionString, long reference, string caseTypeId)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(AddCaseSql);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseTypeId });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// After the switch CCD keeps, for each case of a decentralised case type, only its pointer: <c>data</c> and
    /// <c>data_classification</c> <c>{}</c>, <c>state</c> '' and <c>RESTRICTED</c>, as CCD writes a pointer.
    /// </summary>
    public static async Task BecomePointersAsync(string connectionString, string caseTypeId)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            UPDATE case_data SET data = '{}', data_classification = '{}', state = '', security_classification = 'RESTRICTED'
            WHERE case_type_id = @case_type
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseTypeId });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The pointer CCD inserts when a case of a decentralised case type is created (before it calls the service):
    /// no version (the column default), no last_modified, a resolved TTL a year on; returns its internal id.
    /// </summary>
    public static async Task<long> AddPointerAsync(string connectionString, long reference, string caseTypeId)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO case_data (reference, jurisdiction, case_type_id, state, data, data_classification, security_classification, created_date, resolved_ttl)
            VALUES (@reference, 'ADOPTION', @case_type, '', '{}', '{}', 'RESTRICTED', timestamp '2026-05-01 10:00:00', date '2027-05-01')
            RETURNING id
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseTypeId });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
