using Npgsql;

namespace Ccd.Runtime.Schema;

/// <summary>
/// Applies embedded SQL migrations, recording each file and its SHA-256 checksum in <c>ccd.schema_migrations</c>.
/// One transaction per file (the journal row is written in it), a session advisory lock so replicas never
/// migrate at once, and a refusal to go on when an applied file has changed.
/// </summary>
internal sealed class MigrationRunner
{
    // Arbitrary constant shared by every replica: "ccd-migr".
    private const long AdvisoryLockKey = 0x6363642D6D696772;

    private const string BootstrapSql = """
        CREATE SCHEMA IF NOT EXISTS ccd;
        CREATE TABLE IF NOT EXISTS ccd.schema_migrations (
            module     varchar(100) NOT NULL,
            name       varchar(255) NOT NULL,
            checksum   char(64)     NOT NULL,
            applied_at timestamptz  NOT NULL DEFAULT now(),
            PRIMARY KEY (module, name)
        );
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<MigrationSource> _sources;

    /// <summary>Creates a runner over the given sources, applied in the order given (the runtime's first).</summary>
    public MigrationRunner(NpgsqlDataSource dataSource, IEnumerable<MigrationSource> sources)
    {
        _dataSource = dataSource;
        _sources = sources.ToArray();
    }

    /// <summary>The same sources over another data source (the owner's, when the process serves as the runtime role).</summary>
    internal MigrationRunner On(NpgsqlDataSource dataSource) => new(dataSource, _sources);

    /// <summary>Applies every pending script and returns the names applied, as <c>module/name</c>.</summary>
    /// <exception cref="MigrationException">An applied script changed, or a script failed.</exception>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // Waits without a time limit: another replica may hold it while it migrates.
        await using var migrationLock = await SessionLock.TakeAsync(connection, AdvisoryLockKey, cancellationToken);

        await using (var bootstrap = new NpgsqlCommand(BootstrapSql, connection))
        {
            await bootstrap.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new List<string>();
        foreach (var source in _sources)
        {
            var journal = await ReadJournalAsync(connection, source.Module, cancellationToken);
            foreach (var script in source.Scripts)
            {
                if (journal.TryGetValue(script.Name, out var checksum))
                {
                    EnsureUnchanged(source.Module, script, checksum);
                    continue;
                }

                await ApplyScriptAsync(connection, source.Module, script, cancellationToken);
                applied.Add($"{source.Module}/{script.Name}");
            }
        }

        return applied;
    }

    /// <summary>Lists the scripts not yet applied (and refuses changed ones), without applying anything.</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var journalExists = await JournalExistsAsync(connection, cancellationToken);
        var pending = new List<string>();
        foreach (var source in _sources)
        {
            var journal = journalExists
                ? await ReadJournalAsync(connection, source.Module, cancellationToken)
                : new Dictionary<string, string>();
            foreach (var script in source.Scripts)
            {
                if (journal.TryGetValue(script.Name, out var checksum))
                {
                    EnsureUnchanged(source.Module, script, checksum);
                }
                else
                {
                    pending.Add($"{source.Module}/{script.Name}");
                }
            }
        }

        return pending;
    }

    /// <summary>The name of the newest script of all sources, as <c>module/name</c> (the expected schema version).</summary>
    public IReadOnlyList<string> Expected =>
        _sources.SelectMany(source => source.Scripts.Select(script => $"{source.Module}/{script.Name}")).ToArray();

    private static void EnsureUnchanged(string module, MigrationScript script, string journalChecksum)
    {
        if (!string.Equals(journalChecksum.Trim(), script.Checksum, StringComparison.Ordinal))
        {
            throw new MigrationException(
                $"Migration {module}/{script.Name} was changed after it was applied (checksum {journalChecksum.Trim()[..12]}… in the journal, " +
                $"{script.Checksum[..12]}… now). Applied migrations must never be edited: add a new migration instead.");
        }
    }

    private static async Task<bool> JournalExistsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass('ccd.schema_migrations') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<Dictionary<string, string>> ReadJournalAsync(
        NpgsqlConnection connection, string module, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT name, checksum FROM ccd.schema_migrations WHERE module = @module", connection);
        command.Parameters.AddWithValue("module", module);
        var journal = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            journal[reader.GetString(0)] = reader.GetString(1);
        }

        return journal;
    }

    private static async Task ApplyScriptAsync(
        NpgsqlConnection connection, string module, MigrationScript script, CancellationToken cancellationToken)
    {
        const string journalInsert = "INSERT INTO ccd.schema_migrations (module, name, checksum) VALUES (@module, @name, @checksum)";
        try
        {
            if (script.RunsInTransaction)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var body = new NpgsqlCommand(script.Sql, connection, transaction) { CommandTimeout = 0 })
                {
                    await body.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var journal = new NpgsqlCommand(journalInsert, connection, transaction))
                {
                    AddJournalParameters(journal, module, script);
                    await journal.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                await using (var body = new NpgsqlCommand(script.Sql, connection) { CommandTimeout = 0 })
                {
                    await body.ExecuteNonQueryAsync(cancellationToken);
                }

                await using var journal = new NpgsqlCommand(journalInsert, connection);
                AddJournalParameters(journal, module, script);
                await journal.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (PostgresException exception)
        {
            throw new MigrationException($"Migration {module}/{script.Name} failed and was rolled back: {exception.MessageText}", exception);
        }
    }

    private static void AddJournalParameters(NpgsqlCommand command, string module, MigrationScript script)
    {
        command.Parameters.AddWithValue("module", module);
        command.Parameters.AddWithValue("name", script.Name);
        command.Parameters.AddWithValue("checksum", script.Checksum);
    }
}

/// <summary>A migration could not be applied, or an applied migration was edited.</summary>
internal sealed class MigrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MigrationException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
