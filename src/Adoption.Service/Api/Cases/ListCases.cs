using System.Globalization;
using Adoption.Service.Access;
using Adoption.Service.CaseWrites;
using Npgsql;
using NpgsqlTypes;

namespace Adoption.Service.Api.Cases;

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

    /// <summary>Counting stops here: an exact count of a court's 40,000 cases would cost more than the page itself.</summary>
    public const int CountLimit = 10_000;

    // Counts at most CountLimit + 1 rows, so the answer can say whether the total is exact.
    public static readonly string CountSql = string.Create(CultureInfo.InvariantCulture, $"""
        SELECT count(*) FROM (SELECT 1 FROM adoption.cases c WHERE {Filter} LIMIT {CountLimit + 1}) AS visible
        """);

    private const string CourtExistsSql = "SELECT @court::varchar IS NULL OR EXISTS (SELECT 1 FROM adoption.courts WHERE code = @court)";

    public static void AddParameters(NpgsqlParameterCollection parameters, Caller caller, CaseListQuery query)
    {
        caller.AddParameters(parameters);
        parameters.AddWithValue("court", NpgsqlDbType.Varchar, (object?)query.Court ?? DBNull.Value);
        parameters.AddWithValue("status", NpgsqlDbType.Varchar, (object?)query.Status?.ToString() ?? DBNull.Value);
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
            items.Add(CaseResponse.From(CaseRecord.Read(reader)));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var counted = reader.GetInt64(0);
        return new CasePage(items, query.Page, query.PageSize, Math.Min(counted, CountLimit), TotalIsExact: counted <= CountLimit);
    }
}

/// <summary>The validated query of <c>GET /api/cases</c>.</summary>
internal sealed record CaseListQuery(string? Court, AdoptionState? Status, int Page, int PageSize)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;
}

/// <summary>A page of cases; <paramref name="Total"/> is exact up to <see cref="ListCases.CountLimit"/>, else that limit and <paramref name="TotalIsExact"/> false.</summary>
internal sealed record CasePage(IReadOnlyList<CaseResponse> Items, int Page, int PageSize, long Total, bool TotalIsExact);
