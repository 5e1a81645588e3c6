using System.Buffers;
using System.Data;
using System.Text.Json;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Store;
using Ccd.Runtime.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Endpoints;

/// <summary><c>GET /ccd-persistence/cases?case-refs=...</c>: read cases (SPEC 2.2 #2).</summary>
internal static class ReadingEndpoints
{
    private const string ReadSql = $"""
        SELECT {StoredCase.Columns} FROM ccd.case_data
        WHERE reference = ANY(@references) AND removed_at IS NULL
        ORDER BY reference
        """;

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/cases", ReadAsync)
            .WithName("ReadCases")
            .WithSummary("Read cases by reference (repeated or comma-separated case-refs); unknown references are left out.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);

    private static async Task<IResult> ReadAsync(HttpContext context, NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        new RawJsonResult(StatusCodes.Status200OK, await RenderAsync(context.RequestServices, dataSource, ParseReferences(context.Request.Query["case-refs"]), cancellationToken));

    /// <summary>
    /// The answer of <c>GET /ccd-persistence/cases</c> for <paramref name="references"/>, as JSON; also what
    /// <c>import --verify --live</c> compares with CCD's (<paramref name="services"/>: a scope's provider).
    /// </summary>
    internal static async Task<ReadOnlyMemory<byte>> RenderAsync(IServiceProvider services, NpgsqlDataSource dataSource, long[] references, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<CaseTypeCatalog>();
        var buffer = new ArrayBufferWriter<byte>(2048);
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            if (references.Length > 0)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                // One snapshot for the row and whatever the case view reads, so version, revision, state and the
                // rendered data all come from the same commit.
                await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
                foreach (var stored in await LoadAsync(connection, snapshot, references, cancellationToken))
                {
                    var rendered = catalog.TryGet(stored.CaseTypeId, out var caseType)
                        ? await caseType.RenderAsync(services, stored.Reference, stored.State, stored.Data, connection, snapshot, cancellationToken)
                        : stored.Data; // a case type no longer declared: CCD still gets its blob rather than an error
                    writer.WriteStartObject();
                    writer.WritePropertyName("case_details");
                    CaseDetailsJson.Write(writer, stored, rendered, confirmation: null);
                    writer.WriteNumber("revision", stored.Revision);
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenMemory;
    }

    private static long[] ParseReferences(Microsoft.Extensions.Primitives.StringValues values) =>
        values
            .SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(value => CaseReference.Parse(value, "case-refs"))
            .Distinct()
            .ToArray();

    private static async Task<List<StoredCase>> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction snapshot, long[] references, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadSql, connection, snapshot);
        command.Parameters.Add(new NpgsqlParameter<long[]>("references", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = references });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cases = new List<StoredCase>(references.Length);
        while (await reader.ReadAsync(cancellationToken))
        {
            cases.Add(StoredCase.Read(reader));
        }

        return cases;
    }
}
