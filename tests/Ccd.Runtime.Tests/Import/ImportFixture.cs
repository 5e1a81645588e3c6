using Ccd.Runtime.Import;
using Ccd.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Import;

/// <summary>A CCD-shaped source and an empty store, with helpers to import, verify and fingerprint the store.</summary>
internal sealed class ImportFixture : IAsyncDisposable
{
    // Everything import writes, in a stable order: two stores holding the same rows give the same digest.
    private const string DigestSql = """
        SELECT md5(string_agg(x, E'\n' ORDER BY x)) FROM (
            SELECT 'c' || c::text FROM ccd.case_data c
            UNION ALL SELECT 'e' || e::text FROM ccd.case_event e
            UNION ALL SELECT 'i' || i::text FROM ccd.case_event_significant_items i
            UNION ALL SELECT 'q' || row(q.reference, q.case_revision, q.enqueued_at)::text FROM ccd.es_queue q
            UNION ALL SELECT 'p' || row(p.case_type_id, p.phase, p.high_water_mark, p.case_cursor, p.cases_copied, p.events_copied)::text
                      FROM ccd.data_migration_progress p
        ) t(x)
        """;

    private ImportFixture(string sourceConnection, NpgsqlDataSource source, string targetConnection)
    {
        SourceConnection = sourceConnection;
        TargetConnection = targetConnection;
        Source = source;
        Target = NpgsqlDataSource.Create(targetConnection);
    }

    public static FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));

    public string SourceConnection { get; }

    /// <summary>The store's connection string with its password (a data source's ConnectionString leaves it out).</summary>
    public string TargetConnection { get; }

    public NpgsqlDataSource Source { get; }

    public NpgsqlDataSource Target { get; }

    public static async Task<ImportFixture> CreateAsync(PostgresServer postgres, int cases, int eventsPerCase)
    {
        var source = await CcdSourceDatabase.CreateAsync(postgres, cases, eventsPerCase);
        return new ImportFixture(source, NpgsqlDataSource.Create(source), await postgres.CreateDatabaseAsync());
    }

    /// <summary>Another empty store importing from the same source.</summary>
    public async Task<ImportFixture> WithNewTargetAsync(PostgresServer postgres) =>
        new(SourceConnection, NpgsqlDataSource.Create(SourceConnection), await postgres.CreateDatabaseAsync());

    public Task<ImportSummary> ImportAsync(ImportPhase phase, int batchSize = 500, Action<string>? faultPoint = null, params string[] caseTypes) =>
        new CaseImporter(Target, Source, Time, NullLogger.Instance).RunAsync(
            new ImportOptions { CaseTypes = caseTypes.Length == 0 ? ["A58", "B1"] : caseTypes, Phase = phase, BatchSize = batchSize, FaultPoint = faultPoint },
            NoImportProgress.Instance,
            TestContext.Current.CancellationToken);

    public async Task<IReadOnlyList<ImportVerifier.VerifyResult>> VerifyAsync(params string[] caseTypes) =>
        await new ImportVerifier(Target, Source).VerifyAsync(caseTypes.Length == 0 ? ["A58", "B1"] : caseTypes, TestContext.Current.CancellationToken);

    public Task<string> DigestAsync() => ScalarAsync<string>(Target, DigestSql);

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        await Target.DisposeAsync();
    }
}

/// <summary>Stops a run the <paramref name="occurrence"/>-th time it reaches <paramref name="point"/>, as a crash there would.</summary>
internal sealed class StopAt(string point, int occurrence)
{
    private int _seen;

    public void Check(string reached)
    {
        if (reached == point && ++_seen == occurrence)
        {
            throw new SimulatedCrash(point);
        }
    }
}

internal sealed class SimulatedCrash(string point) : Exception($"stopped at {point}");
