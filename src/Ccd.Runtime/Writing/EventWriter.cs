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
    private const string InsertCaseSql = """
        INSERT INTO ccd.case_data (reference, id, jurisdiction, case_type_id, state, data, supplementary_data,
            security_classification, version, revision, resolved_ttl, created_date, last_modified, last_state_modified_date)
        VALUES (@reference, @id, @jurisdiction, @case_type_id, @state, @data, @supplementary_data,
            @security_classification::ccd.security_classification, @version, @revision, @resolved_ttl, @now, @now, @now)
        """;

    // A null @data or @supplementary_data keeps the stored value: most events change neither, and not sending them
    // saves serialising and shipping the JSON.
    private const string UpdateCaseSql = """
        UPDATE ccd.case_data
        SET id = @id, state = @state, data = COALESCE(@data, data), supplementary_data = COALESCE(@supplementary_data, supplementary_data),
            security_classification = @security_classification::ccd.security_classification,
            version = @version, revision = @revision, resolved_ttl = @resolved_ttl,
            last_modified = @now, last_state_modified_date = @last_state_modified_date
        WHERE reference = @reference
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
            VALUES (@reference, @revision, @version, @event_id, @event_name, @summary, @description,
                @user_id, @user_first_name, @user_last_name, @proxied_by, @proxied_by_first_name, @proxied_by_last_name,
                @now, @case_type_id, 1, @state, @state_name, @rendered, @data_classification,
                @security_classification::ccd.security_classification, @idempotency_key, @fingerprint, @response_body)
            RETURNING id
        ), item AS (
            INSERT INTO ccd.case_event_significant_items (case_event_id, type, description, url)
            SELECT id, 'DOCUMENT', @item_description, @item_url FROM event WHERE @item_description IS NOT NULL
        ), message AS (
            INSERT INTO ccd.message_queue_candidates (reference, message_type, time_stamp, message_information)
            SELECT @reference, 'CASE_EVENT', clock_timestamp() AT TIME ZONE 'UTC',
                   @message || jsonb_build_object('EventInstanceId', id)
            FROM event WHERE @message IS NOT NULL
        )
        SELECT id FROM event
        """;

    /// <summary>One row per case; the highest revision wins, and a live change keeps (or takes) the earliest place so it overtakes re-index work.</summary>
    public const string EnqueueSearchSql = """
        INSERT INTO ccd.es_queue (reference, case_revision, enqueued_at)
        VALUES (@reference, @revision, @now)
        ON CONFLICT (reference) DO UPDATE
        SET case_revision = GREATEST(ccd.es_queue.case_revision, EXCLUDED.case_revision),
            enqueued_at = LEAST(ccd.es_queue.enqueued_at, EXCLUDED.enqueued_at)
        """;

    /// <summary>Writes the event; returns the history row's id.</summary>
    public static async Task<long> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, EventPlan write, EventCommit.Prepared prepared, byte[]? responseBody, CancellationToken cancellationToken)
    {
        var after = prepared.After;
        var isCreate = write.Existing is null;
        // For blob-stored case types the rendering is the blob itself: serialise it once for both columns.
        var blobJson = isCreate || prepared.BlobChanged ? after.Data.ToJsonString() : null;
        var renderedJson = ReferenceEquals(prepared.Rendered, after.Data) && blobJson is not null ? blobJson : prepared.Rendered.ToJsonString();
        await using var batch = new NpgsqlBatch(connection, transaction);

        var caseCommand = new NpgsqlBatchCommand(isCreate ? InsertCaseSql : UpdateCaseSql);
        var p = caseCommand.Parameters;
        p.Add(Long("reference", after.Reference));
        p.Add(new NpgsqlParameter("id", NpgsqlDbType.Bigint) { Value = (object?)after.InternalId ?? DBNull.Value });
        p.Add(Text("state", after.State));
        p.Add(JsonText("data", blobJson));
        p.Add(Json("supplementary_data", isCreate || prepared.SupplementaryChanged ? after.SupplementaryData : null));
        p.Add(Text("security_classification", ClassificationText.Format(after.Classification)));
        p.Add(new NpgsqlParameter<int>("version", NpgsqlDbType.Integer) { TypedValue = after.Version });
        p.Add(new NpgsqlParameter<int>("revision", NpgsqlDbType.Integer) { TypedValue = after.Revision });
        p.Add(new NpgsqlParameter("resolved_ttl", NpgsqlDbType.Date) { Value = (object?)after.ResolvedTtl ?? DBNull.Value });
        p.Add(Timestamp("now", after.LastModified));
        if (isCreate)
        {
            p.Add(Text("jurisdiction", after.Jurisdiction));
            p.Add(Text("case_type_id", after.CaseTypeId));
        }
        else
        {
            p.Add(Timestamp("last_state_modified_date", after.LastStateModifiedDate));
        }

        batch.BatchCommands.Add(caseCommand);

        var eventCommand = new NpgsqlBatchCommand(InsertEventSql);
        var e = eventCommand.Parameters;
        e.Add(Long("reference", after.Reference));
        e.Add(new NpgsqlParameter<int>("revision", NpgsqlDbType.Integer) { TypedValue = after.Revision });
        e.Add(new NpgsqlParameter<int>("version", NpgsqlDbType.Integer) { TypedValue = after.Version });
        e.Add(Text("event_id", write.Event.Id));
        e.Add(Text("event_name", write.Event.Name));
        e.Add(Text("summary", write.Summary));
        e.Add(Text("description", write.Description));
        e.Add(Text("user_id", write.User.Id));
        e.Add(Text("user_first_name", write.User.FirstName));
        e.Add(Text("user_last_name", write.User.LastName));
        e.Add(Text("proxied_by", write.ProxiedBy?.Id));
        e.Add(Text("proxied_by_first_name", write.ProxiedBy?.FirstName));
        e.Add(Text("proxied_by_last_name", write.ProxiedBy?.LastName));
        e.Add(Timestamp("now", after.LastModified));
        e.Add(Text("case_type_id", after.CaseTypeId));
        e.Add(Text("state", after.State));
        e.Add(Text("state_name", write.CaseType.StateName(after.State)));
        e.Add(JsonText("rendered", renderedJson));
        e.Add(Json("data_classification", after.DataClassification));
        e.Add(Text("security_classification", ClassificationText.Format(after.Classification)));
        e.Add(new NpgsqlParameter("idempotency_key", NpgsqlDbType.Uuid) { Value = (object?)write.IdempotencyKey ?? DBNull.Value });
        e.Add(Text("fingerprint", write.Fingerprint));
        e.Add(new NpgsqlParameter("response_body", NpgsqlDbType.Bytea) { Value = (object?)responseBody ?? DBNull.Value });
        e.Add(Text("item_description", write.SignificantItem?.Description));
        e.Add(Text("item_url", write.SignificantItem?.Url));
        e.Add(Json("message", write.Event.Publish ? OutboxMessage.Build(write, prepared) : null));
        batch.BatchCommands.Add(eventCommand);

        var queueCommand = new NpgsqlBatchCommand(EnqueueSearchSql);
        queueCommand.Parameters.Add(Long("reference", after.Reference));
        queueCommand.Parameters.Add(new NpgsqlParameter<int>("revision", NpgsqlDbType.Integer) { TypedValue = after.Revision });
        queueCommand.Parameters.Add(Timestamp("now", after.LastModified));
        batch.BatchCommands.Add(queueCommand);

        // Only the history insert returns rows (the reader skips statements without a result), so it is the first result.
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var eventId = reader.GetInt64(0);
        while (await reader.NextResultAsync(cancellationToken))
        {
        }

        return eventId;
    }

    private static NpgsqlParameter<long> Long(string name, long value) => new NpgsqlParameter<long>(name, NpgsqlDbType.Bigint) { TypedValue = value };

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Json(string name, JsonNode? value) => JsonText(name, value?.ToJsonString());

    private static NpgsqlParameter JsonText(string name, string? json) =>
        new(name, NpgsqlDbType.Jsonb) { Value = (object?)json ?? DBNull.Value };

    private static NpgsqlParameter<DateTime> Timestamp(string name, DateTime value) =>
        new NpgsqlParameter<DateTime>(name, NpgsqlDbType.Timestamp) { TypedValue = DateTime.SpecifyKind(value, DateTimeKind.Unspecified) };
}
