using Npgsql;
using NpgsqlTypes;

namespace Ccd.Testing;

/// <summary>Writes rows straight into the <c>ccd</c> tables, for tests of the operations commands that need a store with content.</summary>
public static class StoreSeed
{
    private const string CaseSql = """
        INSERT INTO ccd.case_data (reference, id, jurisdiction, case_type_id, state, data, security_classification,
                                   version, revision, resolved_ttl, created_date, last_modified, last_state_modified_date)
        VALUES (@reference, @id, 'ADOPTION', @case_type, 'Submitted', @data::jsonb, 'PUBLIC', @revision, @revision, @ttl, @at, @at, @at)
        """;

    // One history row per revision, as the submission path writes them (revision n after the n-th event).
    private const string EventsSql = """
        INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, user_id, created_date,
                                    case_type_id, state_id, state_name, data, security_classification)
        SELECT @reference, n, n, 'update', 'Update', 'user-1', @at, @case_type, 'Submitted', 'Submitted', @data::jsonb, 'PUBLIC'
        FROM generate_series(1, @revision) AS n
        """;

    /// <summary>A valid 16-digit case reference (Luhn check digit) derived from <paramref name="seed"/>.</summary>
    public static long Reference(long seed) => WithCheckDigit(100000000000000 + seed);

    /// <summary>Appends the Luhn check digit to a 15-digit <paramref name="body"/>.</summary>
    public static long WithCheckDigit(long body)
    {
        var digits = body.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return (body * 10) + ((10 - (sum % 10)) % 10);
    }

    /// <summary>Inserts a case with <paramref name="events"/> history rows (revision = version = events).</summary>
    public static async Task AddCaseAsync(
        NpgsqlDataSource dataSource, long reference, string caseTypeId, int events, DateTime at, DateOnly? resolvedTtl = null, long? internalId = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var sql in new[] { CaseSql, EventsSql })
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
            command.Parameters.Add(new NpgsqlParameter<long?>("id", NpgsqlDbType.Bigint) { TypedValue = internalId });
            command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseTypeId });
            command.Parameters.Add(new NpgsqlParameter<string>("data", NpgsqlDbType.Text) { TypedValue = $$"""{"applicantName":"Applicant {{reference}}"}""" });
            command.Parameters.Add(new NpgsqlParameter<int>("revision", NpgsqlDbType.Integer) { TypedValue = Math.Max(events, 1) });
            command.Parameters.Add(new NpgsqlParameter<DateOnly?>("ttl", NpgsqlDbType.Date) { TypedValue = resolvedTtl });
            command.Parameters.Add(new NpgsqlParameter<DateTime>("at", NpgsqlDbType.Timestamp) { TypedValue = DateTime.SpecifyKind(at, DateTimeKind.Unspecified) });
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>Runs one statement with no parameters (for fixtures that need a row of an unusual shape).</summary>
    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
