using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Import;

/// <summary>
/// Temporary tables in the target transaction that receive one batch from CCD by binary COPY; the merge
/// (<see cref="ImportMerge"/>) then writes the <c>ccd</c> tables from them in a few set-based statements.
/// </summary>
internal static class ImportStaging
{
    public const string CreateSql = """
        CREATE TEMP TABLE import_case (
            id bigint, reference bigint, jurisdiction text, case_type_id text, state text, data jsonb,
            data_classification jsonb, supplementary_data jsonb, security_classification text, version integer,
            resolved_ttl date, created_date timestamp, last_modified timestamp, last_state_modified_date timestamp
        ) ON COMMIT DROP;
        CREATE TEMP TABLE import_event (
            id bigint, case_reference bigint, event_id text, event_name text, summary text, description text,
            user_id text, user_first_name text, user_last_name text, proxied_by text, proxied_by_first_name text,
            proxied_by_last_name text, created_date timestamp, case_type_id text, case_type_version integer,
            state_id text, state_name text, data jsonb, data_classification jsonb, security_classification text
        ) ON COMMIT DROP;
        CREATE TEMP TABLE import_item (id bigint, case_event_id bigint, type text, description text, url text) ON COMMIT DROP;
        """;

    public const string CopyCases = "COPY import_case FROM STDIN (FORMAT BINARY)";
    public const string CopyEvents = "COPY import_event FROM STDIN (FORMAT BINARY)";
    public const string CopyItems = "COPY import_item FROM STDIN (FORMAT BINARY)";

    public static readonly NpgsqlDbType[] CaseTypes =
    [
        NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Jsonb,
        NpgsqlDbType.Jsonb, NpgsqlDbType.Jsonb, NpgsqlDbType.Text, NpgsqlDbType.Integer,
        NpgsqlDbType.Date, NpgsqlDbType.Timestamp, NpgsqlDbType.Timestamp, NpgsqlDbType.Timestamp,
    ];

    public static readonly NpgsqlDbType[] EventTypes =
    [
        NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Text, NpgsqlDbType.Timestamp, NpgsqlDbType.Text, NpgsqlDbType.Integer,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Jsonb, NpgsqlDbType.Jsonb, NpgsqlDbType.Text,
    ];

    public static readonly NpgsqlDbType[] ItemTypes = [NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text];

    /// <summary>
    /// Streams the rows of <paramref name="source"/> into a staging table; <paramref name="onRow"/> sees each row
    /// first (to collect ids). Only the first <paramref name="types"/>.Length columns are copied.
    /// </summary>
    public static async Task<int> CopyAsync(
        NpgsqlDataReader source, NpgsqlConnection target, string copySql, NpgsqlDbType[] types, Action<NpgsqlDataReader>? onRow, CancellationToken cancellationToken)
    {
        var rows = 0;
        await using var writer = await target.BeginBinaryImportAsync(copySql, cancellationToken);
        while (await source.ReadAsync(cancellationToken))
        {
            onRow?.Invoke(source);
            await writer.StartRowAsync(cancellationToken);
            for (var i = 0; i < types.Length; i++)
            {
                if (source.IsDBNull(i))
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await writer.WriteAsync(source.GetValue(i), types[i], cancellationToken);
                }
            }

            rows++;
        }

        await writer.CompleteAsync(cancellationToken);
        return rows;
    }
}
