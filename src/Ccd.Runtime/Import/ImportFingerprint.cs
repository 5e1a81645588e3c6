using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Import;

/// <summary>
/// The options an import of a case type started with, recorded on its progress row
/// (<c>ccd.data_migration_progress.options</c>): the source database (server, port, database, user; never the
/// password) and the batch size. A run that would resume an unfinished import with other options is refused before
/// it writes anything, naming each option that differs with its old and new value. The phase and the run-time
/// ceiling are not part of it: they are meant to change from one run to the next.
/// </summary>
internal static class ImportFingerprint
{
    private const string ReadSql = "SELECT phase, options::text FROM ccd.data_migration_progress WHERE case_type_id = @case_type";

    private const string RecordSql = "UPDATE ccd.data_migration_progress SET options = @options WHERE case_type_id = @case_type AND options IS NULL";

    /// <summary>The fingerprint of a run: option name (as typed on the command line) and value.</summary>
    public static SortedDictionary<string, string> Of(NpgsqlDataSource source)
    {
        var builder = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["--source"] = string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{builder.Database} as {builder.Username}"),
        };
    }

    public static string Json(SortedDictionary<string, string> fingerprint) => JsonSerializer.Serialize(fingerprint);

    /// <summary>
    /// Refuses the run when <paramref name="caseType"/> has an unfinished import that started with other options;
    /// records the fingerprint on a row that has none (an import started before fingerprints were kept).
    /// </summary>
    public static async Task CheckAsync(NpgsqlDataSource target, string caseType, SortedDictionary<string, string> fingerprint, CancellationToken cancellationToken)
    {
        string? phase = null;
        string? recorded = null;
        await using (var read = target.CreateCommand(ReadSql))
        {
            read.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                phase = reader.GetString(0);
                recorded = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }

        if (phase is null or ImportProgress.Complete)
        {
            return;
        }

        if (recorded is null)
        {
            await using var record = target.CreateCommand(RecordSql);
            record.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
            record.Parameters.Add(new NpgsqlParameter<string>("options", NpgsqlDbType.Jsonb) { TypedValue = Json(fingerprint) });
            await record.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        var started = JsonSerializer.Deserialize<Dictionary<string, string>>(recorded) ?? [];
        var differences = fingerprint.Keys.Union(started.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(name => (name, was: started.GetValueOrDefault(name), now: fingerprint.GetValueOrDefault(name)))
            .Where(d => d.was != d.now)
            .Select(d => $"{d.name} was {d.was ?? "(not set)"}, now {d.now ?? "(not set)"}")
            .ToList();
        if (differences.Count > 0)
        {
            throw new ImportException(
                $"The import of {caseType} (phase {phase}) started with other options: {string.Join("; ", differences)}. " +
                "Resume it with the options it started with; nothing was imported by this run.");
        }
    }
}
