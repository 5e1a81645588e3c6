using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Endpoints;

/// <summary><c>GET /ccd-persistence/cases/{ref}/history[/{eventId}]</c>: a case's audit events (SPEC 2.2 #3, #4 and 2.5).</summary>
internal static class HistoryEndpoints
{
    // Newest first by revision, which the unique (case_reference, case_revision) index serves. A removed case has no history.
    private const string HistorySql = """
        SELECT e.id, e.case_reference, e.event_id, e.event_name, e.summary, e.description, e.user_id, e.user_first_name,
               e.user_last_name, e.created_date, e.case_type_id, e.case_type_version, e.state_id, e.state_name, e.data::text,
               e.data_classification::text, e.security_classification::text, i.description, i.url,
               e.proxied_by, e.proxied_by_first_name, e.proxied_by_last_name
        FROM ccd.case_event e
        JOIN ccd.case_data c ON c.reference = e.case_reference AND c.removed_at IS NULL
        LEFT JOIN LATERAL (
            SELECT s.description, s.url FROM ccd.case_event_significant_items s
            WHERE s.case_event_id = e.id ORDER BY s.id DESC LIMIT 1
        ) i ON true
        WHERE e.case_reference = @reference AND (@event_id IS NULL OR e.id = @event_id)
        ORDER BY e.case_revision DESC
        """;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/cases/{reference}/history", ListAsync)
            .WithName("ReadHistory")
            .WithSummary("A case's history events, newest first; an unknown case has none.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/cases/{reference}/history/{eventId}", OneAsync)
            .WithName("ReadHistoryEvent")
            .WithSummary("One history event by its numeric id.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    // A history answer goes out in pieces of about this size (chunked), each flushed once written.
    private const int FlushBytes = 16 * 1024;

    /// <summary>
    /// Streams the events to the response as they are read, through Kestrel's pooled buffers: a long history (a
    /// 100-event one is ~130 KB) is never held whole in memory nor copied through managed arrays. Nothing is sent
    /// before the query has answered and its first row is read, so a bad reference or a database that cannot be
    /// reached is still a problem answer; a failure after that aborts the response, which the client sees as an
    /// incomplete chunked body, never as a shorter history.
    /// </summary>
    private static async Task ListAsync(string reference, HttpContext context, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var caseReference = CaseReference.Parse(reference, "reference");
        await using var command = Command(dataSource, caseReference, null);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var more = await reader.ReadAsync(cancellationToken);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        var body = response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartArray();
        long flushed = 0;
        while (more)
        {
            Write(writer, reader);
            if (writer.BytesCommitted + writer.BytesPending - flushed >= FlushBytes)
            {
                writer.Flush();
                flushed = writer.BytesCommitted;
                await body.FlushAsync(cancellationToken);
            }

            more = await reader.ReadAsync(cancellationToken);
        }

        writer.WriteEndArray();
        writer.Flush();
        await body.FlushAsync(cancellationToken);
    }

    private static async Task<IResult> OneAsync(string reference, string eventId, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var caseReference = CaseReference.Parse(reference, "reference");
        if (!long.TryParse(eventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw ProblemException.BadRequest("eventId", $"eventId must be the numeric id of a history event; '{eventId}' is not.");
        }

        var buffer = new ArrayBufferWriter<byte>(2048);
        var count = 0;
        await using (var command = Command(dataSource, caseReference, id))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                Write(writer, reader);
                count++;
            }
        }

        return count == 1
            ? new RawJsonResult(StatusCodes.Status200OK, buffer.WrittenMemory)
            : throw new ProblemException(404, "history-event-not-found", "History event not found",
                $"Case {caseReference} has no history event {id}.");
    }

    private static NpgsqlCommand Command(NpgsqlDataSource dataSource, long reference, long? eventId)
    {
        var command = dataSource.CreateCommand(HistorySql);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter("event_id", NpgsqlDbType.Bigint) { Value = (object?)eventId ?? DBNull.Value });
        return command;
    }

    private static void Write(Utf8JsonWriter writer, NpgsqlDataReader reader)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", reader.GetInt64(0));
        writer.WriteNumber("case_reference", reader.GetInt64(1));
        writer.WriteStartObject("event");
        writer.WriteString("id", reader.GetString(2));
        writer.WriteString("event_name", reader.GetString(3));
        WriteNullable(writer, "summary", reader, 4);
        WriteNullable(writer, "description", reader, 5);
        writer.WriteString("user_id", reader.GetString(6));
        writer.WriteString("user_first_name", reader.GetString(7));
        writer.WriteString("user_last_name", reader.GetString(8));
        WireFormat.WriteDateTime(writer, "created_date", reader.GetDateTime(9));
        writer.WriteString("case_type_id", reader.GetString(10));
        writer.WriteNumber("case_type_version", reader.GetInt32(11));
        writer.WriteString("state_id", reader.GetString(12));
        writer.WriteString("state_name", reader.GetString(13));
        writer.WritePropertyName("data");
        WriteJsonText(writer, reader, 14);
        writer.WritePropertyName("data_classification");
        WriteJsonText(writer, reader, 15);
        writer.WriteString("security_classification", reader.GetString(16));
        if (reader.IsDBNull(17))
        {
            writer.WriteNull("significant_item");
        }
        else
        {
            writer.WriteStartObject("significant_item");
            writer.WriteString("type", "DOCUMENT");
            writer.WriteString("description", reader.GetString(17));
            writer.WriteString("url", reader.GetString(18));
            writer.WriteEndObject();
        }

        WriteNullable(writer, "proxied_by", reader, 19);
        WriteNullable(writer, "proxied_by_first_name", reader, 20);
        WriteNullable(writer, "proxied_by_last_name", reader, 21);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// A jsonb column read as text: PostgreSQL's text is valid JSON with unique keys, so it is written as it is, never
    /// re-parsed, and copied as the UTF-8 bytes it arrives in (no string, no transcoding) through a pooled buffer.
    /// </summary>
    private static void WriteJsonText(Utf8JsonWriter writer, NpgsqlDataReader reader, int ordinal)
    {
        using var stream = reader.GetStream(ordinal);
        var length = checked((int)stream.Length);
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            stream.ReadExactly(bytes, 0, length);
            writer.WriteRawValue(bytes.AsSpan(0, length), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, reader.GetString(ordinal));
        }
    }
}
