using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Wire;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Writing;

/// <summary>
/// Writes a committed event in one statement: the case row, the history row with its significant item and outbox
/// message, and the search-queue upsert (with the transaction's commit, in one round trip). It requires the event's
/// transaction, and the caller holds the case lock.
/// </summary>
internal static class EventWriter
{
    /// <summary>
    /// One row per case; the highest revision wins, and a live change keeps (or takes) the earliest place so it
    /// overtakes re-index work. Positional: $1 reference, $2 revision, $3 now.
    /// </summary>
    private const string EnqueueSearchSql = """
        INSERT INTO ccd.es_queue (reference, case_revision, enqueued_at)
        VALUES ($1, $2, $3)
        ON CONFLICT (reference) DO UPDATE
        SET case_revision = GREATEST(ccd.es_queue.case_revision, EXCLUDED.case_revision),
            enqueued_at = LEAST(ccd.es_queue.enqueued_at, EXCLUDED.enqueued_at)
        """;

    // Every statement here binds its parameters by position ($n, in the order WriteAsync adds them), so Npgsql sends
    // its text as it is instead of parsing it for named parameters on each event. $1-$3 are those of
    // EnqueueSearchSql (reference, revision, now); a create binds one more, $32 jurisdiction.
    private const string InsertCaseSql = """
        INSERT INTO ccd.case_data (reference, id, jurisdiction, case_type_id, state, data, supplementary_data,
            security_classification, version, revision, resolved_ttl, created_date, last_modified, last_state_modified_date)
        VALUES ($1, $4, $32, $12, $5, $6, $7, $8::ccd.security_classification, $9, $2, $10, $3, $3, $11)
        """;

    // A null $6 (data) or $7 (supplementary_data) keeps the stored value: most events change neither, and not sending them
    // saves serialising and shipping the JSON.
    private const string UpdateCaseSql = """
        UPDATE ccd.case_data
        SET id = $4, state = $5, data = COALESCE($6, data), supplementary_data = COALESCE($7, supplementary_data),
            security_classification = $8::ccd.security_classification,
            version = $9, revision = $2, resolved_ttl = $10,
            last_modified = $3, last_state_modified_date = $11
        WHERE reference = $1
        """;

    // The rest of the event's writes, in the same statement as the case row's (WITH case_row AS (...), then these;
    // the shape of bench/limit/SubmitEndpoint.cs): the history row and what hangs off it (the significant item and
    // the outbox message need the new event's id), then the search-queue upsert. Every sub-statement runs to completion whether read or not, and the foreign keys
    // are checked at the statement's end, when the case row is written. The history's data is the rendering ($24),
    // or the stored blob ($6) when the rendering is the blob itself (sent once, parsed once). The message's
    // time_stamp is clock_timestamp() taken after the case lock, so per case it follows commit order (CCD's
    // publisher orders by it).
    private const string EventSql = $$"""
        event AS (
            INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, summary, description,
                user_id, user_first_name, user_last_name, proxied_by, proxied_by_first_name, proxied_by_last_name,
                created_date, case_type_id, case_type_version, state_id, state_name, data, data_classification,
                security_classification, idempotency_key, request_fingerprint, response_body)
            VALUES ($1, $2, $9, $13, $14, $15, $16,
                $17, $18, $19, $20, $21, $22,
                $3, $12, 1, $5, $23, COALESCE($24, $6), $25,
                $8::ccd.security_classification, $26, $27, $28)
            RETURNING id
        ), item AS (
            INSERT INTO ccd.case_event_significant_items (case_event_id, type, description, url)
            SELECT id, 'DOCUMENT', $29, $30 FROM event WHERE $29 IS NOT NULL
        ), message AS (
            INSERT INTO ccd.message_queue_candidates (reference, message_type, time_stamp, message_information)
            SELECT $1, 'CASE_EVENT', clock_timestamp() AT TIME ZONE 'UTC',
                   $31 || jsonb_build_object('EventInstanceId', id)
            FROM event WHERE $31 IS NOT NULL
        ), queue AS (
        {{EnqueueSearchSql}}
        )
        SELECT id FROM event
        """;

    private const string CreateEventSql = $"WITH case_row AS ({InsertCaseSql}), {EventSql}";

    private const string UpdateEventSql = $"WITH case_row AS ({UpdateCaseSql}), {EventSql}";

    /// <summary>Writes the event; returns the history row's id. With <paramref name="commit"/> the batch ends with the
    /// transaction's <c>COMMIT</c> (the caller writes nothing after it), so the event and its commit take one round trip.</summary>
    public static async Task<long> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, EventPlan write, EventCommit.Prepared prepared, byte[]? responseBody, bool commit,
        CancellationToken cancellationToken)
    {
        var after = prepared.After;
        var isCreate = write.Existing is null;
        // For blob-stored case types the rendering is the blob itself: serialised once, sent once ($6) for both columns.
        var blobJson = isCreate || prepared.BlobChanged ? after.Data.ToJsonString() : null;
        var renderedJson = ReferenceEquals(prepared.Rendered, after.Data) && blobJson is not null ? null : prepared.Rendered.ToJsonString();
        await using var batch = new NpgsqlBatch(connection, transaction);

        var command = new NpgsqlBatchCommand(isCreate ? CreateEventSql : UpdateEventSql);
        var p = command.Parameters;
        p.Add(Long(after.Reference));
        p.Add(Int(after.Revision));
        p.Add(Timestamp(after.LastModified));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)after.InternalId ?? DBNull.Value });
        p.Add(Text(after.State));
        p.Add(JsonText(blobJson));
        p.Add(Json(isCreate || prepared.SupplementaryChanged ? after.SupplementaryData : null));
        p.Add(Text(ClassificationText.Format(after.Classification)));
        p.Add(Int(after.Version));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)after.ResolvedTtl ?? DBNull.Value });
        p.Add(Timestamp(after.LastStateModifiedDate));
        p.Add(Text(after.CaseTypeId));
        p.Add(Text(write.Event.Id));
        p.Add(Text(write.Event.Name));
        p.Add(Text(write.Summary));
        p.Add(Text(write.Description));
        p.Add(Text(write.User.Id));
        p.Add(Text(write.User.FirstName));
        p.Add(Text(write.User.LastName));
        p.Add(Text(write.ProxiedBy?.Id));
        p.Add(Text(write.ProxiedBy?.FirstName));
        p.Add(Text(write.ProxiedBy?.LastName));
        p.Add(Text(write.CaseType.StateName(after.State)));
        p.Add(JsonText(renderedJson));
        p.Add(Json(after.DataClassification));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)write.IdempotencyKey ?? DBNull.Value });
        p.Add(Text(write.Fingerprint));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)responseBody ?? DBNull.Value });
        p.Add(Text(write.SignificantItem?.Description));
        p.Add(Text(write.SignificantItem?.Url));
        p.Add(Json(write.Event.Publish ? OutboxMessage.Build(write, prepared) : null));
        if (isCreate)
        {
            p.Add(Text(after.Jurisdiction));
        }

        batch.BatchCommands.Add(command);
        if (commit)
        {
            // A failing statement skips the rest of the batch, so a failure never reaches the commit; the pipeline
            // then disposes the transaction, which rolls it back. Npgsql sees the connection idle after it, so the
            // transaction counts as completed.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var eventId = reader.GetInt64(0);
        while (await reader.NextResultAsync(cancellationToken))
        {
        }

        return eventId;
    }

    /// <summary>The search-queue upsert (<see cref="EnqueueSearchSql"/>) of a case at a revision, as a batch command.</summary>
    public static NpgsqlBatchCommand EnqueueSearch(long reference, int revision, DateTime now)
    {
        var command = new NpgsqlBatchCommand(EnqueueSearchSql);
        command.Parameters.Add(Long(reference));
        command.Parameters.Add(Int(revision));
        command.Parameters.Add(Timestamp(now));
        return command;
    }

    // Unnamed parameters: bound by position, in the order they are added.
    private static NpgsqlParameter<long> Long(long value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = value };

    private static NpgsqlParameter<int> Int(int value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = value };

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Json(JsonNode? value) => JsonText(value?.ToJsonString());

    private static NpgsqlParameter JsonText(string? json) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)json ?? DBNull.Value };

    private static NpgsqlParameter<DateTime> Timestamp(DateTime value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Timestamp, TypedValue = DateTime.SpecifyKind(value, DateTimeKind.Unspecified) };
}
