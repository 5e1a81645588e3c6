using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Retention;

/// <summary>The local reads of <c>retention run</c>.</summary>
internal static class RetentionQueries
{
    /// <summary>CCD's state for a case whose disposal CCD has agreed to.</summary>
    public const string PendingDisposal = "PendingDisposal";

    // "Has passed" means strictly before today, as CCD's own disposer reads the TTL.
    private const string TtlPassedSql = """
        SELECT reference FROM ccd.case_data WHERE case_type_id = @case_type AND resolved_ttl < @today ORDER BY reference
        """;

    private const string CaseTypesSql = "SELECT DISTINCT case_type_id FROM ccd.case_data ORDER BY 1";

    private const string ResolveSql = """
        SELECT reference, jurisdiction, case_type_id, state, resolved_ttl FROM ccd.case_data
        WHERE case_type_id = @case_type AND reference = ANY(@references) AND state <> @pending ORDER BY reference
        """;

    // Marked, not yet given its disposal TTL by ConfirmDisposal.
    private const string ToConfirmSql = """
        SELECT reference, jurisdiction, case_type_id, state, resolved_ttl FROM ccd.case_data
        WHERE case_type_id = ANY(@case_types) AND state = @pending AND resolved_ttl IS NULL ORDER BY case_type_id, reference
        """;

    private const string ToDeleteSql = """
        SELECT reference, jurisdiction, case_type_id, state, resolved_ttl FROM ccd.case_data
        WHERE case_type_id = ANY(@case_types) AND state = @pending AND resolved_ttl < @today ORDER BY case_type_id, reference
        """;

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);

    public static async Task<IReadOnlyCollection<long>> ResolvedTtlPassedAsync(NpgsqlConnection connection, string caseTypeId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(TtlPassedSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseTypeId });
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("today", NpgsqlDbType.Date) { TypedValue = Today(now) });
        var references = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            references.Add(reader.GetInt64(0));
        }

        return references;
    }

    public static async Task<List<string>> CaseTypesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(CaseTypesSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var types = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            types.Add(reader.GetString(0));
        }

        return types;
    }

    /// <summary>The local cases among <paramref name="references"/> of <paramref name="caseTypeId"/> that are not yet marked.</summary>
    public static Task<List<RetentionCase>> UnmarkedAsync(NpgsqlConnection connection, string caseTypeId, IReadOnlyCollection<long> references, CancellationToken cancellationToken) =>
        ReadAsync(connection, ResolveSql, command =>
        {
            command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseTypeId });
            command.Parameters.Add(new NpgsqlParameter<long[]>("references", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = references.ToArray() });
        }, cancellationToken);

    public static Task<List<RetentionCase>> ToConfirmAsync(NpgsqlConnection connection, IReadOnlyCollection<string> caseTypes, CancellationToken cancellationToken) =>
        ReadAsync(connection, ToConfirmSql, command => command.Parameters.Add(CaseTypes(caseTypes)), cancellationToken);

    public static Task<List<RetentionCase>> ToDeleteAsync(NpgsqlConnection connection, IReadOnlyCollection<string> caseTypes, DateOnly today, CancellationToken cancellationToken) =>
        ReadAsync(connection, ToDeleteSql, command =>
        {
            command.Parameters.Add(CaseTypes(caseTypes));
            command.Parameters.Add(new NpgsqlParameter<DateOnly>("today", NpgsqlDbType.Date) { TypedValue = today });
        }, cancellationToken);

    private static NpgsqlParameter<string[]> CaseTypes(IReadOnlyCollection<string> caseTypes) =>
        new NpgsqlParameter<string[]>("case_types", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { TypedValue = caseTypes.ToArray() };

    private static async Task<List<RetentionCase>> ReadAsync(NpgsqlConnection connection, string sql, Action<NpgsqlCommand> parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("pending", NpgsqlDbType.Varchar) { TypedValue = PendingDisposal });
        parameters(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cases = new List<RetentionCase>();
        while (await reader.ReadAsync(cancellationToken))
        {
            cases.Add(new RetentionCase(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4)));
        }

        return cases;
    }
}

/// <summary>A local case retention works on.</summary>
internal sealed record RetentionCase(long Reference, string Jurisdiction, string CaseTypeId, string State, DateOnly? ResolvedTtl);
