using Npgsql;
using NpgsqlTypes;

namespace Ccd.Bench.Limit;

/// <summary><c>GET /ccd-persistence/cases?case-refs=</c>: the service's SELECT (src/Ccd.Runtime/Endpoints/ReadingEndpoints.cs), the stored JSON written as it is.</summary>
internal static class ReadEndpoint
{
    private const string ReadSql = $"""
        SELECT {CcdJson.CaseColumns} FROM ccd.case_data
        WHERE reference = ANY(@references) AND removed_at IS NULL
        ORDER BY reference
        """;

    public static async Task HandleAsync(HttpContext context, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var references = context.Request.Query["case-refs"].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(long.Parse)
            .ToArray();
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<long[]>("references", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = references });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await using var json = CcdJson.Answer(context, StatusCodes.Status200OK);
        json.WriteStartArray();
        while (await reader.ReadAsync(cancellationToken))
        {
            CcdJson.WriteCase(json, reader);
        }

        json.WriteEndArray();
    }
}
