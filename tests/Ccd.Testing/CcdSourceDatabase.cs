using Npgsql;
using NpgsqlTypes;

namespace Ccd.Testing;

/// <summary>
/// A database shaped like central CCD's (its own <c>case_data</c>, <c>case_event</c> and
/// <c>case_event_significant_items</c> with their standard columns), in the test server, for <c>import</c> tests.
/// </summary>
public static class CcdSourceDatabase
{
    // CCD's tables as its migrations leave them (ccd-data-store-api V0001 and later), reduced to what import reads.
    private const string SchemaSql = """
        CREATE TYPE securityclassification AS ENUM ('PUBLIC', 'PRIVATE', 'RESTRICTED');
        CREATE TYPE significant_item_type AS ENUM ('DOCUMENT');
        CREATE TABLE case_data (
            id bigserial PRIMARY KEY,
            created_date timestamp NOT NULL DEFAULT now(),
            last_modified timestamp,
            jurisdiction varchar(255) NOT NULL,
            case_type_id varchar(255) NOT NULL,
            state varchar(255) NOT NULL,
            data jsonb NOT NULL,
            data_classification jsonb,
            reference bigint NOT NULL CONSTRAINT case_data_reference_key UNIQUE,
            security_classification securityclassification NOT NULL,
            version integer DEFAULT 1,
            last_state_modified_date timestamp,
            supplementary_data jsonb,
            marked_by_logstash boolean DEFAULT false,
            resolved_ttl date
        );
        CREATE TABLE case_event (
            id bigserial PRIMARY KEY,
            created_date timestamp NOT NULL DEFAULT now(),
            event_id varchar(70) NOT NULL,
            summary varchar(1024),
            description varchar(65536),
            user_id varchar(64) NOT NULL,
            case_data_id bigint NOT NULL REFERENCES case_data (id),
            case_type_id varchar(255) NOT NULL,
            case_type_version integer NOT NULL,
            state_id varchar(255) NOT NULL,
            data jsonb NOT NULL,
            user_first_name varchar(255) NOT NULL,
            user_last_name varchar(255) NOT NULL,
            event_name varchar(30) NOT NULL,
            state_name varchar(255) NOT NULL DEFAULT '',
            data_classification jsonb,
            security_classification securityclassification NOT NULL,
            proxied_by varchar(64),
            proxied_by_first_name varchar(255),
            proxied_by_last_name varchar(255)
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
        CREATE INDEX idx_case_event_case_data_id ON case_event (case_data_id);
        CREATE TABLE case_event_significant_items (
            id serial PRIMARY KEY,
            description varchar(64) NOT NULL,
            type significant_item_type NOT NULL,
            url text,
            case_event_id integer REFERENCES case_event (id)
        );
        """;

    // Cases 1..@cases: every fourth is B1, every tenth C9 (never imported), the rest A58. CCD's entity version
    // starts at 0 with the create event and goes up by one per later event, so most cases have events - 1 (0 for a
    // case with only its create event); some have a version above that (data changed by events CCD did not record),
    // some below; some optional columns are null as in old CCD rows. Events of different cases interleave in id
    // order, as CCD writes them.
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
               CASE WHEN g % 13 = 0 THEN NULL ELSE timestamp '2025-01-01 08:00:00.123456' + g * interval '1 second' END,
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
        foreach (var sql in new[] { SchemaSql, CasesSql, EventsSql, ItemsSql, SequencesSql })
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

    /// <summary>Deletes a case as ccd-case-disposer does: its significant items, events and case row.</summary>
    public static async Task DeleteCaseAsync(string connectionString, long reference)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            DELETE FROM case_event_significant_items WHERE case_event_id IN (SELECT e.id FROM case_event e JOIN case_data c ON c.id = e.case_data_id WHERE c.reference = @reference);
            DELETE FROM case_event WHERE case_data_id IN (SELECT id FROM case_data WHERE reference = @reference);
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
}

