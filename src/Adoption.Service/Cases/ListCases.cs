using Adoption.Service.Access;
using Npgsql;
using NpgsqlTypes;

namespace Adoption.Service.Cases;

/// <summary>
/// One page of the cases the caller can see, newest first, and how many there are. Both statements carry the
/// visibility predicate, so the database returns and counts only visible rows.
/// </summary>
internal static class ListCases
{
    public const string Filter = $"""
        {CaseAccessSql.Visible}
          AND (@court::varchar IS NULL OR c.court_code = @court)
          AND (@status::varchar IS NULL OR c.status = @status)
        """;

    public const string PageSql = $"""
        SELECT {CaseRecord.Columns}
        FROM adoption.cases c
        WHERE {Filter}
        ORDER BY c.created_at DESC, c.id DESC
        LIMIT @limit OFFSET @offset
        """;

    public const string CountSql = $"""
        SELECT count(*) FROM adoption.cases c WHERE {Filter}
        """;

    private const string CourtExistsSql = "SELECT @court::varchar IS NULL OR EXISTS (SELECT 1 FROM adoption.courts WHERE code = @court)";

    public static void AddParameters(NpgsqlParameterCollection parameters, Caller caller, CaseListQuery query)
    {
        caller.AddParameters(parameters);
        parameters.AddWithValue("court", NpgsqlDbType.Varchar, (object?)query.Court ?? DBNull.Value);
        parameters.AddWithValue("status", NpgsqlDbType.Varchar, (object?)query.Status ?? DBNull.Value);
        parameters.AddWithValue("limit", query.PageSize);
        parameters.AddWithValue("offset", (long)(query.Page - 1) * query.PageSize);
    }

    public static async Task<CasePage> ExecuteAsync(NpgsqlDataSource dataSource, Caller caller, CaseListQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in new[] { CourtExistsSql, PageSql, CountSql })
        {
            var command = new NpgsqlBatchCommand(sql);
            AddParameters(command.Parameters, caller, query);
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (!reader.GetBoolean(0))
        {
            throw CaseInput.UnknownCourt("court", query.Court!);
        }

        await reader.NextResultAsync(cancellationToken);
        var items = new List<CaseResponse>(query.PageSize);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(CaseRecord.Read(reader).ToResponse());
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new CasePage(items, query.Page, query.PageSize, reader.GetInt64(0));
    }
}

/// <summary>The validated query of <c>GET /api/cases</c>.</summary>
internal sealed record CaseListQuery(string? Court, string? Status, int Page, int PageSize)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;
}

/// <summary>A page of cases.</summary>
internal sealed record CasePage(IReadOnlyList<CaseResponse> Items, int Page, int PageSize, long Total);
