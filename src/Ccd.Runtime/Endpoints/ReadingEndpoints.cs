using System.Buffers;
using System.Data;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>The answer is built whole in a pooled buffer, then sent with its length.</summary>
    private static async Task ReadAsync(HttpContext context, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var references = ParseReferences(context.Request.Query["case-refs"]);
        using var answer = new PooledBufferWriter(4096);
        await RenderAsync(answer, context.RequestServices, dataSource, references, cancellationToken);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = answer.WrittenMemory.Length;
        await response.Body.WriteAsync(answer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>
    /// The answer of <c>GET /ccd-persistence/cases</c> for <paramref name="references"/>, as JSON; also what
    /// <c>import --verify --live</c> compares with CCD's (<paramref name="services"/>: a scope's provider).
    /// </summary>
    internal static async Task<ReadOnlyMemory<byte>> RenderAsync(IServiceProvider services, NpgsqlDataSource dataSource, long[] references, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        await RenderAsync(buffer, services, dataSource, references, cancellationToken);
        return buffer.WrittenMemory;
    }

    private static async Task RenderAsync(IBufferWriter<byte> output, IServiceProvider services, NpgsqlDataSource dataSource, long[] references, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<CaseTypeCatalog>();
        await using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartArray();
            if (references.Length > 0)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                if (catalog.AnyWithoutView())
                {
                    await WriteAsStoredOrViewedAsync(writer, services, connection, catalog, references, cancellationToken);
                }
                else
                {
                    foreach (var (stored, rendered) in await RenderViewsAsync(services, connection, catalog, references, cancellationToken))
                    {
                        WriteCase(writer, stored, rendered);
                    }
                }
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>
    /// A case whose type shows its blob is answered as stored, from one statement (which needs no transaction); the
    /// others are read again and rendered by their views in one snapshot.
    /// </summary>
    private static async Task WriteAsStoredOrViewedAsync(
        Utf8JsonWriter writer, IServiceProvider services, NpgsqlConnection connection, CaseTypeCatalog catalog, long[] references, CancellationToken cancellationToken)
    {
        var rows = await LoadAsync(connection, null, references, StoredCaseText.Read, cancellationToken);
        List<long>? viewed = null;
        foreach (var row in rows)
        {
            if (!ShowsItsBlob(catalog, row.CaseTypeId))
            {
                (viewed ??= []).Add(row.Reference);
            }
        }

        var views = viewed is null
            ? null
            : (await RenderViewsAsync(services, connection, catalog, [.. viewed], cancellationToken)).ToDictionary(view => view.Stored.Reference);
        foreach (var row in rows)
        {
            if (ShowsItsBlob(catalog, row.CaseTypeId))
            {
                writer.WriteStartObject();
                writer.WritePropertyName("case_details");
                CaseDetailsJson.Write(writer, row);
                writer.WriteNumber("revision", row.Revision);
                writer.WriteEndObject();
            }
            else if (views is not null && views.TryGetValue(row.Reference, out var view))
            {
                WriteCase(writer, view.Stored, view.Rendered);
            } // else removed between the two reads
        }
    }

    // A case type no longer declared shows its blob too: CCD still gets it rather than an error.
    private static bool ShowsItsBlob(CaseTypeCatalog catalog, string caseTypeId) =>
        !catalog.TryGet(caseTypeId, out var caseType) || caseType.ViewType is null;

    /// <summary>
    /// The cases rendered by their case types, each row and whatever its view reads from one snapshot, so version,
    /// revision, state and the rendered data all come from the same commit.
    /// </summary>
    private static async Task<List<(StoredCase Stored, JsonObject Rendered)>> RenderViewsAsync(
        IServiceProvider services, NpgsqlConnection connection, CaseTypeCatalog catalog, long[] references, CancellationToken cancellationToken)
    {
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var views = new List<(StoredCase, JsonObject)>(references.Length);
        foreach (var stored in await LoadAsync(connection, snapshot, references, StoredCase.Read, cancellationToken))
        {
            var rendered = catalog.TryGet(stored.CaseTypeId, out var caseType)
                ? await caseType.RenderAsync(services, stored.Reference, stored.State, stored.Data, connection, snapshot, cancellationToken)
                : stored.Data;
            views.Add((stored, rendered));
        }

        return views;
    }

    private static void WriteCase(Utf8JsonWriter writer, StoredCase stored, JsonObject rendered)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("case_details");
        CaseDetailsJson.Write(writer, stored, rendered, confirmation: null);
        writer.WriteNumber("revision", stored.Revision);
        writer.WriteEndObject();
    }

    private static long[] ParseReferences(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count == 1 && values[0] is { } single && !single.Contains(','))
        {
            // CCD's usual request, one reference: the same answer as the general case below, without its sequence.
            var trimmed = single.Trim();
            return trimmed.Length == 0 ? [] : [CaseReference.Parse(trimmed, "case-refs")];
        }

        return values
            .SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(value => CaseReference.Parse(value, "case-refs"))
            .Distinct()
            .ToArray();
    }

    private static async Task<List<T>> LoadAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction? snapshot, long[] references, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadSql, connection, snapshot);
        command.Parameters.Add(new NpgsqlParameter<long[]>("references", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = references });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>(references.Length);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
