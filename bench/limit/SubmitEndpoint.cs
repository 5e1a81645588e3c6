using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Bench.Limit;

/// <summary>
/// <c>POST /ccd-persistence/cases</c> for an update event, in one round trip: the case lock the service takes, then
/// the service's three writes (src/Ccd.Runtime/Writing/EventWriter.cs: the case row, the history row, the search-queue
/// upsert) as one statement whose update matches only the version CCD read, so a stale submit writes nothing (409).
/// The history row stores the proposed case details where the service stores its answer: the same size, and the
/// real answer's revision is known only after the write.
/// </summary>
internal static class SubmitEndpoint
{
    private const string LockSql = "SELECT pg_advisory_xact_lock(@reference)";

    private const string WriteSql = $$"""
        WITH updated AS (
            UPDATE ccd.case_data
            SET id = @id, state = @state, data = @data, version = version + 1, revision = revision + 1, last_modified = @now
            WHERE reference = @reference AND version = @version AND removed_at IS NULL
            RETURNING *
        ), event AS (
            INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, summary, description,
                user_id, user_first_name, user_last_name, proxied_by, proxied_by_first_name, proxied_by_last_name,
                created_date, case_type_id, case_type_version, state_id, state_name, data, data_classification,
                security_classification, idempotency_key, request_fingerprint, response_body)
            SELECT reference, revision, version, @event_id, @event_name, @summary, @description,
                @user_id, @user_first_name, @user_last_name, @proxied_by, @proxied_by_first_name, @proxied_by_last_name,
                @now, case_type_id, 1, state, state, @data, data_classification,
                security_classification, @idempotency_key, @fingerprint, @response_body
            FROM updated
        ), queue AS (
            INSERT INTO ccd.es_queue (reference, case_revision, enqueued_at)
            SELECT reference, revision, @now FROM updated
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
        lockCommand.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        batch.BatchCommands.Add(lockCommand);
        var write = new NpgsqlBatchCommand(WriteSql);
        var p = write.Parameters;
        p.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        p.Add(new NpgsqlParameter<long>("id", NpgsqlDbType.Bigint) { TypedValue = request.RootElement.GetProperty("internal_case_id").GetInt64() });
        p.Add(new NpgsqlParameter<int>("version", NpgsqlDbType.Integer) { TypedValue = details.GetProperty("version").GetInt32() });
        p.Add(Text("state", details.GetProperty("state").GetString()));
        p.Add(new NpgsqlParameter("data", NpgsqlDbType.Jsonb) { Value = data });
        p.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = now });
        p.Add(Text("event_id", eventDetails.GetProperty("event_id").GetString()));
        p.Add(Text("event_name", eventDetails.GetProperty("event_name").GetString()));
        p.Add(Text("summary", eventDetails.GetProperty("summary").GetString()));
        p.Add(Text("description", eventDetails.GetProperty("description").GetString()));
        p.Add(Text("user_id", "bench-user"));
        p.Add(Text("user_first_name", "Bench"));
        p.Add(Text("user_last_name", "User"));
        p.Add(Text("proxied_by", eventDetails.GetProperty("proxied_by").GetString()));
        p.Add(Text("proxied_by_first_name", eventDetails.GetProperty("proxied_by_first_name").GetString()));
        p.Add(Text("proxied_by_last_name", eventDetails.GetProperty("proxied_by_last_name").GetString()));
        p.Add(new NpgsqlParameter<Guid>("idempotency_key", NpgsqlDbType.Uuid) { TypedValue = Guid.Parse(context.Request.Headers["Idempotency-Key"].ToString()) });
        p.Add(Text("fingerprint", Convert.ToHexStringLower(SHA256.HashData(body.Span))));
        p.Add(new NpgsqlParameter("response_body", NpgsqlDbType.Bytea) { Value = Encoding.UTF8.GetBytes(details.GetRawText()) });
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

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };
}
