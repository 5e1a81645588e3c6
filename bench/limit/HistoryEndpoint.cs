using System.Buffers;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Bench.Limit;

/// <summary>
/// <c>GET /ccd-persistence/cases/{reference}/history</c>: the service's query (src/Ccd.Runtime/Endpoints/HistoryEndpoints.cs),
/// each row as CCD's audit event, streamed as the service streams it (a flush every 16 KB, the JSON columns copied as the
/// UTF-8 bytes PostgreSQL sends), so the limit does no more than the service for the same answer.
/// </summary>
internal static class HistoryEndpoint
{
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

    // The audit event's text members and their columns, in the order CCD's event object lists them.
    private static readonly (string Name, int Column)[] EventTexts =
        [("id", 2), ("event_name", 3), ("summary", 4), ("description", 5), ("user_id", 6), ("user_first_name", 7), ("user_last_name", 8)];

    private static readonly (string Name, int Column)[] Proxies = [("proxied_by", 19), ("proxied_by_first_name", 20), ("proxied_by_last_name", 21)];

    public static async Task HandleAsync(long reference, HttpContext context, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(HistorySql);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter("event_id", NpgsqlDbType.Bigint) { Value = DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await using var json = CcdJson.Answer(context, StatusCodes.Status200OK);
        json.WriteStartArray();
        long sent = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            WriteEvent(json, reader);
            if (json.BytesCommitted + json.BytesPending - sent >= 16 * 1024)
            {
                json.Flush();
                sent = json.BytesCommitted;
                await context.Response.BodyWriter.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
    }

    private static void WriteRawBytes(Utf8JsonWriter json, string name, NpgsqlDataReader row, int column)
    {
        json.WritePropertyName(name);
        using var stream = row.GetStream(column);
        var length = checked((int)stream.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        stream.ReadExactly(buffer, 0, length);
        json.WriteRawValue(buffer.AsSpan(0, length), skipInputValidation: true);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private static void WriteEvent(Utf8JsonWriter json, NpgsqlDataReader row)
    {
        json.WriteStartObject();
        json.WriteNumber("id", row.GetInt64(0));
        json.WriteNumber("case_reference", row.GetInt64(1));
        json.WriteStartObject("event");
        foreach (var (name, column) in EventTexts)
        {
            CcdJson.WriteText(json, name, row, column);
        }

        CcdJson.WriteDateTime(json, "created_date", row.GetDateTime(9));
        json.WriteString("case_type_id", row.GetString(10));
        json.WriteNumber("case_type_version", row.GetInt32(11));
        json.WriteString("state_id", row.GetString(12));
        json.WriteString("state_name", row.GetString(13));
        WriteRawBytes(json, "data", row, 14);
        WriteRawBytes(json, "data_classification", row, 15);
        json.WriteString("security_classification", row.GetString(16));
        if (row.IsDBNull(17))
        {
            json.WriteNull("significant_item");
        }
        else
        {
            json.WriteStartObject("significant_item");
            json.WriteString("type", "DOCUMENT");
            json.WriteString("description", row.GetString(17));
            json.WriteString("url", row.GetString(18));
            json.WriteEndObject();
        }

        foreach (var (name, column) in Proxies)
        {
            CcdJson.WriteText(json, name, row, column);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
