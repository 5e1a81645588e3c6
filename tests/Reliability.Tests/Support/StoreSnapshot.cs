using Npgsql;

namespace Reliability.Tests.Support;

/// <summary>
/// Row count and a checksum of the full contents of every table of the service's schemas, to prove a request changed
/// nothing (or nothing outside one case). Rows are hashed in their text form, ordered, so equal contents give equal sums.
/// </summary>
internal sealed record StoreSnapshot(IReadOnlyDictionary<string, (long Rows, string Sum)> Tables)
{
    private const string TablesSql = """
        SELECT t.table_schema, t.table_name,
               (SELECT c.column_name FROM information_schema.columns c
                WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
                  AND c.column_name IN ('reference', 'case_reference', 'ccd_reference') LIMIT 1),
               EXISTS (SELECT 1 FROM information_schema.columns c
                WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'case_id')
        FROM information_schema.tables t
        WHERE t.table_type = 'BASE TABLE' AND t.table_schema NOT IN ('pg_catalog', 'information_schema')
        ORDER BY 1, 2
        """;

    /// <summary>
    /// Takes the snapshot; with <paramref name="except"/>, rows belonging to that case reference are left out, and with
    /// <paramref name="exceptCaseId"/> the rows of tables keyed by <c>case_id</c> (the adoption schema's) that belong to that case.
    /// </summary>
    public static async Task<StoreSnapshot> TakeAsync(NpgsqlDataSource dataSource, long? except = null, Guid? exceptCaseId = null)
    {
        var tables = new List<(string Schema, string Table, string? ReferenceColumn, bool HasCaseId)>();
        await using (var list = dataSource.CreateCommand(TablesSql))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetBoolean(3)));
            }
        }

        var result = new SortedDictionary<string, (long, string)>(StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var (schema, table, column, hasCaseId) in tables)
        {
            // Names come from the catalogue, quoted; the excluded reference and case id are parameters.
            var filter = except is not null && column is not null ? $" WHERE t.\"{column}\" IS DISTINCT FROM @except"
                : exceptCaseId is not null && hasCaseId ? " WHERE t.case_id IS DISTINCT FROM @except_case" : "";
            var sql = $"SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM \"{schema}\".\"{table}\" t{filter}";
            await using var command = new NpgsqlCommand(sql, connection);
            if (except is not null)
            {
                command.Parameters.AddWithValue("except", except.Value);
            }

            if (exceptCaseId is not null)
            {
                command.Parameters.AddWithValue("except_case", exceptCaseId.Value);
            }

            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            result[$"{schema}.{table}"] = (reader.GetInt64(0), reader.GetString(1));
        }

        return new StoreSnapshot(result);
    }

    /// <summary>The tables whose contents differ, with counts, for an assertion message.</summary>
    public IReadOnlyList<string> Differences(StoreSnapshot after) =>
        Tables.Keys.Union(after.Tables.Keys)
            .Where(name => !Tables.TryGetValue(name, out var a) || !after.Tables.TryGetValue(name, out var b) || a != b)
            .Select(name => $"{name}: {Describe(Tables, name)} -> {Describe(after.Tables, name)}")
            .ToList();

    private static string Describe(IReadOnlyDictionary<string, (long Rows, string Sum)> tables, string name) =>
        tables.TryGetValue(name, out var value) ? $"{value.Rows} rows {value.Sum[..Math.Min(8, value.Sum.Length)]}" : "absent";
}
