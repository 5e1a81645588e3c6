using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Wire;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Writing;

/// <summary>
/// Writes a committed event in one round trip: the case row, the history row with its significant item and outbox
/// message, and the search-queue upsert. It requires the event's transaction, and the caller holds the case lock.
/// </summary>
internal static class EventWriter
{
    // Every statement here binds its parameters by position ($n, in the order WriteAsync adds them), so Npgsql sends
    // its text as it is instead of parsing it for named parameters on each event. A create binds $1-$10 as an update
    // does, then $11 jurisdiction and $12 case_type_id.
    private const string InsertCaseSql = """
        INSERT INTO ccd.case_data (reference, id, jurisdiction, case_type_id, state, data, supplementary_data,
            security_classification, version, revision, resolved_ttl, created_date, last_modified, last_state_modified_date)
        VALUES ($1, $2, $11, $12, $3, $4, $5, $6::ccd.security_classification, $7, $8, $9, $10, $10, $10)
        """;

    // A null $4 (data) or $5 (supplementary_data) keeps the stored value: most events change neither, and not sending them
    // saves serialising and shipping the JSON.
    private const string UpdateCaseSql = """
        UPDATE ccd.case_data
        SET id = $2, state = $3, data = COALESCE($4, data), supplementary_data = COALESCE($5, supplementary_data),
            security_classification = $6::ccd.security_classification,
            version = $7, revision = $8, resolved_ttl = $9,
            last_modified = $10, last_state_modified_date = $11
        WHERE reference = $1
        """;

    // One statement for the history row and what hangs off it: the significant item and the outbox message need the
    // new event's id. The message's time_stamp is clock_timestamp() taken after the case lock, so per case it follows
    // commit order (CCD's publisher orders by it).
    private const string InsertEventSql = """
        WITH event AS (
            INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, summary, description,
                user_id, user_first_name, user_last_name, proxied_by, proxied_by_first_name, proxied_by_last_name,
                created_date, case_type_id, case_type_version, state_id, state_name, data, data_classification,
                security_classification, idempotency_key, request_fingerprint, response_body)
            VALUES ($1, $2, $3, $4, $5, $6, $7,
                $8, $9, $10, $11, $12, $13,
                $14, $15, 1, $16, $17, $18, $19,
                $20::ccd.security_classification, $21, $22, $23)
            RETURNING id
        ), item AS (
            INSERT INTO ccd.case_event_significant_items (case_event_id, type, description, url)
            SELECT id, 'DOCUMENT', $24, $25 FROM event WHERE $24 IS NOT NULL
        ), message AS (
            INSERT INTO ccd.message_queue_candidates (reference, message_type, time_stamp, message_information)
            SELECT $1, 'CASE_EVENT', clock_timestamp() AT TIME ZONE 'UTC',
                   $26 || jsonb_build_object('EventInstanceId', id)
            FROM event WHERE $26 IS NOT NULL
        )
        SELECT id FROM event
        """;

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

    /// <summary>Writes the event; returns the history row's id. With <paramref name="commit"/> the batch ends with the
    /// transaction's <c>COMMIT</c> (the caller writes nothing after it), so the event and its commit take one round trip.</summary>
    public static async Task<long> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, EventPlan write, EventCommit.Prepared prepared, byte[]? responseBody, bool commit,
        CancellationToken cancellationToken)
    {
        var after = prepared.After;
        var isCreate = write.Existing is null;
        // For blob-stored case types the rendering is the blob itself: serialise it once for both columns.
        var blobJson = isCreate || prepared.BlobChanged ? after.Data.ToJsonString() : null;
        var renderedJson = ReferenceEquals(prepared.Rendered, after.Data) && blobJson is not null ? blobJson : prepared.Rendered.ToJsonString();
        await using var batch = new NpgsqlBatch(connection, transaction);

        var caseCommand = new NpgsqlBatchCommand(isCreate ? InsertCaseSql : UpdateCaseSql);
        var p = caseCommand.Parameters;
        p.Add(Long(after.Reference));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)after.InternalId ?? DBNull.Value });
        p.Add(Text(after.State));
        p.Add(JsonText(blobJson));
        p.Add(Json(isCreate || prepared.SupplementaryChanged ? after.SupplementaryData : null));
        p.Add(Text(ClassificationText.Format(after.Classification)));
        p.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = after.Version });
        p.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = after.Revision });
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)after.ResolvedTtl ?? DBNull.Value });
        p.Add(Timestamp(after.LastModified));
        if (isCreate)
        {
            p.Add(Text(after.Jurisdiction));
            p.Add(Text(after.CaseTypeId));
        }
        else
        {
            p.Add(Timestamp(after.LastStateModifiedDate));
        }

        batch.BatchCommands.Add(caseCommand);

        var eventCommand = new NpgsqlBatchCommand(InsertEventSql);
        var e = eventCommand.Parameters;
        e.Add(Long(after.Reference));
        e.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = after.Revision });
        e.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = after.Version });
        e.Add(Text(write.Event.Id));
        e.Add(Text(write.Event.Name));
        e.Add(Text(write.Summary));
        e.Add(Text(write.Description));
        e.Add(Text(write.User.Id));
        e.Add(Text(write.User.FirstName));
        e.Add(Text(write.User.LastName));
        e.Add(Text(write.ProxiedBy?.Id));
        e.Add(Text(write.ProxiedBy?.FirstName));
        e.Add(Text(write.ProxiedBy?.LastName));
        e.Add(Timestamp(after.LastModified));
        e.Add(Text(after.CaseTypeId));
        e.Add(Text(after.State));
        e.Add(Text(write.CaseType.StateName(after.State)));
        e.Add(JsonText(renderedJson));
        e.Add(Json(after.DataClassification));
        e.Add(Text(ClassificationText.Format(after.Classification)));
        e.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)write.IdempotencyKey ?? DBNull.Value });
        e.Add(Text(write.Fingerprint));
        e.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)responseBody ?? DBNull.Value });
        e.Add(Text(write.SignificantItem?.Description));
        e.Add(Text(write.SignificantItem?.Url));
        e.Add(Json(write.Event.Publish ? OutboxMessage.Build(write, prepared) : null));
        batch.BatchCommands.Add(eventCommand);

        batch.BatchCommands.Add(EnqueueSearch(after.Reference, after.Revision, after.LastModified));
        if (commit)
        {
            // Statements after a failing one are skipped up to the batch's end, so a failure never reaches the commit;
            // the pipeline then disposes the transaction, which rolls it back. Npgsql sees the connection idle after
            // it, so the transaction counts as completed.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }

        // Only the history insert returns rows (the reader skips statements without a result), so it is the first result.
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
        command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = revision });
        command.Parameters.Add(Timestamp(now));
        return command;
    }

    // Unnamed parameters: bound by position, in the order they are added.
    private static NpgsqlParameter<long> Long(long value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = value };

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Json(JsonNode? value) => JsonText(value?.ToJsonString());

    private static NpgsqlParameter JsonText(string? json) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)json ?? DBNull.Value };

    private static NpgsqlParameter<DateTime> Timestamp(DateTime value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Timestamp, TypedValue = DateTime.SpecifyKind(value, DateTimeKind.Unspecified) };
}
