using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Bench.Limit;

/// <summary>
/// <c>POST /ccd-persistence/cases</c> for an update event, in one round trip: the case lock the service takes, then
/// the service's writes (src/Ccd.Runtime/Writing/EventWriter.cs: the case row, the history row, the search-queue
/// upsert) as one statement, as the service sends them, whose update matches only the version CCD read, so a stale
/// submit writes nothing (409).
/// The history row stores the proposed case details where the service stores its answer: the same size, and the
/// real answer's revision is known only after the write.
/// Parameters are bound by position (<c>$1</c>), as the service binds its write path, so neither pays for Npgsql
/// rewriting named parameters.
/// </summary>
internal static class SubmitEndpoint
{
    private const string LockSql = "SELECT pg_advisory_xact_lock($1)";

    private const string WriteSql = $$"""
        WITH updated AS (
            UPDATE ccd.case_data
            SET id = $2, state = $4, data = $5, version = version + 1, revision = revision + 1, last_modified = $6
            WHERE reference = $1 AND version = $3 AND removed_at IS NULL
            RETURNING *
        ), event AS (
            INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, summary, description,
                user_id, user_first_name, user_last_name, proxied_by, proxied_by_first_name, proxied_by_last_name,
                created_date, case_type_id, case_type_version, state_id, state_name, data, data_classification,
                security_classification, idempotency_key, request_fingerprint, response_body)
            SELECT reference, revision, version, $7, $8, $9, $10,
                $11, $12, $13, $14, $15, $16,
                $6, case_type_id, 1, state, state, $5, data_classification,
                security_classification, $17, $18, $19
            FROM updated
        ), queue AS (
            INSERT INTO ccd.es_queue (reference, case_revision, enqueued_at)
            SELECT reference, revision, $6 FROM updated
            ON CONFLICT (reference) DO UPDATE
            SET case_revision = GREATEST(ccd.es_queue.case_revision, EXCLUDED.case_revision),
                enqueued_at = LEAST(ccd.es_queue.enqueued_at, EXCLUDED.enqueued_at)
        )
        SELECT {{CcdJson.CaseColumnsWithoutData}} FROM updated
        """;

    public static async Task HandleAsync(HttpContext context, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        using var request = JsonDocument.Parse(body);
        var details = request.RootElement.GetProperty("case_details");
        var eventDetails = request.RootElement.GetProperty("event_details");
        var reference = details.GetProperty("id").GetInt64();
        var data = details.GetProperty("case_data").GetRawText();
        var now = DateTime.SpecifyKind(DateTime.UtcNow, DateTimeKind.Unspecified);
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));

        await using var batch = dataSource.CreateBatch();
        var lockCommand = new NpgsqlBatchCommand(LockSql);
        lockCommand.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = reference });
        batch.BatchCommands.Add(lockCommand);
        var write = new NpgsqlBatchCommand(WriteSql);
        var p = write.Parameters;
        p.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = reference });
        p.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = request.RootElement.GetProperty("internal_case_id").GetInt64() });
        p.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = details.GetProperty("version").GetInt32() });
        p.Add(Text(details.GetProperty("state").GetString()));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = data });
        p.Add(new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.Timestamp, TypedValue = now });
        p.Add(Text(eventDetails.GetProperty("event_id").GetString()));
        p.Add(Text(eventDetails.GetProperty("event_name").GetString()));
        p.Add(Text(eventDetails.GetProperty("summary").GetString()));
        p.Add(Text(eventDetails.GetProperty("description").GetString()));
        p.Add(Text("bench-user"));
        p.Add(Text("Bench"));
        p.Add(Text("User"));
        p.Add(Text(eventDetails.GetProperty("proxied_by").GetString()));
        p.Add(Text(eventDetails.GetProperty("proxied_by_first_name").GetString()));
        p.Add(Text(eventDetails.GetProperty("proxied_by_last_name").GetString()));
        p.Add(new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid, TypedValue = Guid.Parse(context.Request.Headers["Idempotency-Key"].ToString()) });
        p.Add(Text(Convert.ToHexStringLower(SHA256.HashData(body.Span))));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = Encoding.UTF8.GetBytes(details.GetRawText()) });
        batch.BatchCommands.Add(write);

        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken); // the lock's own row
            if (!await reader.ReadAsync(cancellationToken))
            {
                context.Response.StatusCode = StatusCodes.Status409Conflict;
                await context.Response.WriteAsync($"case {reference} is not at version {details.GetProperty("version").GetInt32()}", cancellationToken);
                return;
            }

            await using var json = CcdJson.Answer(context, StatusCodes.Status201Created);
            json.WriteStartObject();
            CcdJson.WriteCaseMembers(json, reader, data);
            json.WriteStartArray("errors");
            json.WriteEndArray();
            json.WriteStartArray("warnings");
            json.WriteEndArray();
            json.WriteBoolean("ignore_warning", false);
            json.WriteEndObject();
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            context.Response.StatusCode = StatusCodes.Status409Conflict;
            await context.Response.WriteAsync($"idempotency key already used ({exception.ConstraintName})", cancellationToken);
        }
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };
}
