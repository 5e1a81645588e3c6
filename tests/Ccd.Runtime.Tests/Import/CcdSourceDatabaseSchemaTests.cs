using Ccd.Testing;
using Npgsql;
using NpgsqlTypes;
using Xunit;

namespace Ccd.Runtime.Tests.Import;

/// <summary>
/// The import tests' source database has CCD's real schema. The expected columns were read from
/// hmcts/ccd-data-store-api master 4f90093c, src/main/resources/db/migration: V0001__Base_version.sql (case_data,
/// case_event, case_event_significant_items, case_users, case_users_audit, the enums, trg_case_data_updated),
/// V20210705_12594 (case_users.role_category), V20210921_12840 (case_data.resolved_ttl), V20211018_12841 and
/// V20220324_13139 (case_link), V20250306_0000__CCD-6936 (the pointer check). Type, nullability and default of every
/// column, in CCD's column order.
/// </summary>
public sealed class CcdSourceDatabaseSchemaTests(PostgresServer postgres)
{
    private const string ColumnsSql = """
        SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
               || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = @table::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """;

    public static TheoryData<string, string[]> Tables() => new()
    {
        {
            "case_data",
            [
                "id bigint NOT NULL DEFAULT nextval('case_data_id_seq'::regclass)",
                "created_date timestamp without time zone NOT NULL DEFAULT now()",
                "last_modified timestamp without time zone",
                "jurisdiction character varying(255) NOT NULL",
                "case_type_id character varying(255) NOT NULL",
                "state character varying(255) NOT NULL",
                "data jsonb NOT NULL",
                "data_classification jsonb",
                "reference bigint NOT NULL",
                "security_classification securityclassification NOT NULL",
                "version integer DEFAULT 1",
                "last_state_modified_date timestamp without time zone",
                "supplementary_data jsonb",
                "marked_by_logstash boolean DEFAULT false",
                "resolved_ttl date",
            ]
        },
        {
            "case_event",
            [
                "id bigint NOT NULL DEFAULT nextval('case_event_id_seq'::regclass)",
                "created_date timestamp without time zone NOT NULL DEFAULT now()",
                "event_id character varying(70) NOT NULL",
                "summary character varying(1024)",
                "description character varying(65536)",
                "user_id character varying(64) NOT NULL",
                "case_data_id bigint NOT NULL DEFAULT nextval('case_event_case_data_id_seq'::regclass)",
                "case_type_id character varying(255) NOT NULL",
                "case_type_version integer NOT NULL",
                "state_id character varying(255) NOT NULL",
                "data jsonb NOT NULL",
                "user_first_name character varying(255) NOT NULL DEFAULT NULL::character varying",
                "user_last_name character varying(255) NOT NULL DEFAULT NULL::character varying",
                "event_name character varying(30) NOT NULL DEFAULT NULL::character varying",
                "state_name character varying(255) NOT NULL DEFAULT ''::character varying",
                "data_classification jsonb",
                "security_classification securityclassification NOT NULL",
                "proxied_by character varying(64)",
                "proxied_by_first_name character varying(255)",
                "proxied_by_last_name character varying(255)",
            ]
        },
        {
            "case_event_significant_items",
            [
                "id integer NOT NULL DEFAULT nextval('case_event_significant_items_id_seq'::regclass)",
                "description character varying(64) NOT NULL",
                "type significant_item_type NOT NULL",
                "url text",
                "case_event_id integer NOT NULL DEFAULT nextval('case_event_significant_items_case_event_id_seq'::regclass)",
            ]
        },
        {
            "case_users",
            [
                "case_data_id bigint NOT NULL",
                "user_id character varying(64) NOT NULL",
                "case_role character varying(40) NOT NULL DEFAULT '[CREATOR]'::character varying",
                "role_category character varying(50)",
            ]
        },
        {
            "case_link",
            [
                "case_id bigint NOT NULL",
                "linked_case_id bigint NOT NULL",
                "case_type_id character varying(255) NOT NULL",
                "standard_link boolean DEFAULT false",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task the_source_database_has_ccds_columns(string table, string[] expected)
    {
        await using var dataSource = NpgsqlDataSource.Create(await CcdSourceDatabase.CreateAsync(postgres, cases: 4, eventsPerCase: 1));
        await using var command = dataSource.CreateCommand(ColumnsSql);
        command.Parameters.Add(new NpgsqlParameter<string>("table", NpgsqlDbType.Text) { TypedValue = table });
        var columns = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                columns.Add(reader.GetString(0));
            }
        }

        Assert.Equal(expected, columns);
    }

    [Fact]
    public async Task the_source_database_holds_the_values_ccd_writes()
    {
        var connection = await CcdSourceDatabase.CreateAsync(postgres, cases: 8, eventsPerCase: 1);
        await using var dataSource = NpgsqlDataSource.Create(connection);

        // Version 0 for a case with only its create event, creators in case_users, the enum's labels, and
        // CCD's trigger keeping a pointer row marked for logstash.
        Assert.Equal(7L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM case_data WHERE version = 0"));
        Assert.Equal(8L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM case_users WHERE case_role = '[CREATOR]'"));
        Assert.Equal("PUBLIC,PRIVATE,RESTRICTED", await ScalarAsync<string>(dataSource, "SELECT string_agg(e::text, ',' ORDER BY e) FROM unnest(enum_range(NULL::securityclassification)) e"));
        await CcdSourceDatabase.AddPointerAsync(connection, StoreSeed.WithCheckDigit(170000000000009), "A58");
        Assert.Equal((true, 1L), (await ScalarAsync<bool>(dataSource, "SELECT bool_and(marked_by_logstash) FROM case_data WHERE data = '{}' AND state = ''"),
            await ScalarAsync<long>(dataSource, "SELECT count(*) FROM case_data WHERE data = '{}' AND state = '' AND version = 1 AND last_modified IS NULL")));
        Assert.False(await ScalarAsync<bool>(dataSource, "SELECT bool_or(marked_by_logstash) FROM case_data WHERE state <> ''"));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
