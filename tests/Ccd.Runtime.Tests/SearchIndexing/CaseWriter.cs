using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Tests.SearchIndexing;

/// <summary>
/// Writes cases the way the submission path does (case row, history row with the rendered data, search queue
/// upsert) in one statement, so indexing tests do not depend on the submission code. The "rendering" adds a
/// field, so a test can tell the history's data from the stored data.
/// </summary>
internal sealed class CaseWriter(NpgsqlDataSource dataSource, TimeProvider? time = null)
{
    private const string CreateSql = """
        WITH created AS (
            INSERT INTO ccd.case_data (reference, id, jurisdiction, case_type_id, state, data, supplementary_data, security_classification,
                                       created_date, last_modified, last_state_modified_date)
            VALUES (@reference, @id, 'ADOPTION', @case_type, @state, @data, @supplementary, 'PUBLIC', @now, @now, @now)
            RETURNING reference, revision, version, case_type_id, state
        ), event AS (
            INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, user_id, created_date,
                                        case_type_id, state_id, data, security_classification)
            SELECT reference, revision, version, 'create', 'Create', 'user-1', @now, case_type_id, state, @rendered, 'PUBLIC' FROM created
        )
        INSERT INTO ccd.es_queue AS q (reference, case_revision, enqueued_at)
        SELECT reference, revision, @now FROM created
        ON CONFLICT (reference) DO UPDATE
            SET case_revision = greatest(q.case_revision, EXCLUDED.case_revision), enqueued_at = least(q.enqueued_at, EXCLUDED.enqueued_at)
        """;

    private const string UpdateSql = """
        WITH updated AS (
            UPDATE ccd.case_data
            SET data = @data, state = coalesce(@state, state), revision = revision + 1, version = version + 1, last_modified = @now,
                last_state_modified_date = CASE WHEN @state IS NOT NULL AND @state <> state THEN @now ELSE last_state_modified_date END
            WHERE reference = @reference
            RETURNING reference, revision, version, case_type_id, state
        ), event AS (
            INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, user_id, created_date,
                                        case_type_id, state_id, data, security_classification)
            SELECT reference, revision, version, 'update', 'Update', 'user-1', @now, case_type_id, state,
                   @rendered::jsonb || jsonb_build_object('view', 'rendered at ' || revision), 'PUBLIC' FROM updated
        )
        INSERT INTO ccd.es_queue AS q (reference, case_revision, enqueued_at)
        SELECT reference, revision, @now FROM updated
        ON CONFLICT (reference) DO UPDATE
            SET case_revision = greatest(q.case_revision, EXCLUDED.case_revision), enqueued_at = least(q.enqueued_at, EXCLUDED.enqueued_at)
        RETURNING case_revision
        """;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public static long Reference(int n) => 1_000_000_000_000_000 + n;

    public async Task CreateAsync(long reference, long? id, JsonObject data, string caseType = "A58", string state = "Open", string supplementary = "{}")
    {
        var rendered = (JsonObject)data.DeepClone();
        rendered["view"] = "rendered at 1";
        await using var command = dataSource.CreateCommand(CreateSql);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Bigint) { Value = (object?)id ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
        command.Parameters.Add(new NpgsqlParameter<string>("state", NpgsqlDbType.Varchar) { TypedValue = state });
        command.Parameters.Add(new NpgsqlParameter<string>("data", NpgsqlDbType.Jsonb) { TypedValue = data.ToJsonString() });
        command.Parameters.Add(new NpgsqlParameter<string>("rendered", NpgsqlDbType.Jsonb) { TypedValue = rendered.ToJsonString() });
        command.Parameters.Add(new NpgsqlParameter<string>("supplementary", NpgsqlDbType.Jsonb) { TypedValue = supplementary });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = Now() });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Writes an event that replaces the data (and the state, when given); returns the new revision.</summary>
    public async Task<int> UpdateAsync(long reference, JsonObject data, string? state = null)
    {
        await using var command = dataSource.CreateCommand(UpdateSql);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter<string>("data", NpgsqlDbType.Jsonb) { TypedValue = data.ToJsonString() });
        command.Parameters.Add(new NpgsqlParameter<string>("rendered", NpgsqlDbType.Jsonb) { TypedValue = data.ToJsonString() });
        command.Parameters.Add(new NpgsqlParameter("state", NpgsqlDbType.Varchar) { Value = (object?)state ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = Now() });
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private DateTime Now() => DateTime.SpecifyKind(_time.GetUtcNow().UtcDateTime, DateTimeKind.Unspecified);
}
