using System.Text.Json.Nodes;
using Adoption.Service.Hosting;
using Adoption.Service.Tests.Hosting;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.Schema;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

/// <summary><c>status --json</c> of the real binary on a store written through the APIs: every figure is the true one.</summary>
public sealed class StatusProcessTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task status_json_reports_the_true_figures_of_a_store_seeded_through_the_apis()
    {
        // No search engine and no broker: what the writes queued stays queued, as in a store whose workers are behind.
        await using var app = await AdoptionApp.StartAsync(postgres, configuration: DrillSeed.BlobTypeConfiguration());
        await DrillSeed.SeedAsync(app);
        var queuedSince = DateTime.UtcNow - app.Time.GetUtcNow().UtcDateTime; // the binary's clock is the real one
        var environment = new Dictionary<string, string?> { ["APP_ENV"] = "TEST", ["TEST_DATABASE_URL"] = app.ConnectionString };

        var startedAt = DateTime.UtcNow;
        var status = await ServiceBinary.RunAsync(environment, TimeSpan.FromMinutes(1), "status", "--json");
        var endedAt = DateTime.UtcNow;
        var ranFor = endedAt - app.Time.GetUtcNow().UtcDateTime;

        Assert.True(status.ExitCode == 0, status.Output);
        var json = JsonNode.Parse(status.Output[status.Output.IndexOf('{', StringComparison.Ordinal)..(status.Output.LastIndexOf('}') + 1)])!;
        Assert.Equal(MigrationSource.Ccd.Scripts[^1].Name, json["schema"]!["ccd"]!.GetValue<string>());
        Assert.Equal(AdoptionHost.Migrations.Scripts[^1].Name, json["schema"]!["adoption"]!.GetValue<string>());
        // Four live adoption cases (two from REST, two from CCD; the soft-deleted one is not served) and three B1.
        Assert.Equal("""{"A58":4,"B1":3}""", json["cases_by_case_type"]!.ToJsonString());
        Assert.Equal(7, await CountAsync(app.Database, "SELECT count(*) FROM ccd.case_data WHERE removed_at IS NULL"));

        // Every case waits for indexing once (its latest revision), the soft-deleted one for its delete.
        Assert.Equal(8, json["search_queue"]!["depth"]!.GetValue<long>());
        Assert.Equal(await CountAsync(app.Database, "SELECT count(*) FROM ccd.es_queue"), json["search_queue"]!["depth"]!.GetValue<long>());
        // Queue times come from the application clock, fixed while the seed ran: their age is the real clock's distance from it.
        AssertAge(json["search_queue"]!["oldest_age_seconds"]!.GetValue<long>(), queuedSince, ranFor);
        Assert.Equal(0, json["search_dead_letters"]!.GetValue<long>());

        // One message per published event: the A58 applications and the B1 creates.
        var unsent = await CountAsync(app.Database, "SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NULL");
        Assert.True(unsent >= 3, $"{unsent} unsent messages");
        Assert.Equal(unsent, json["outbox"]!["depth"]!.GetValue<long>());
        // Message times are the database's own clock_timestamp() (per-case commit order), so their age is real time.
        await using (var oldest = app.Database.CreateCommand("SELECT min(time_stamp) FROM ccd.message_queue_candidates WHERE published IS NULL"))
        {
            var first = (DateTime)(await oldest.ExecuteScalarAsync(Ct))!;
            AssertAge(json["outbox"]!["oldest_age_seconds"]!.GetValue<long>(), startedAt - first, endedAt - first);
        }

        Assert.Equal("""{"queued":0,"running":0,"failed":0}""", json["jobs"]!.ToJsonString());
        Assert.Empty(json["imports"]!.AsArray());
    }

    // An age measured by the binary between two readings of the real clock.
    private static void AssertAge(long seconds, TimeSpan atLeast, TimeSpan atMost) =>
        Assert.InRange(seconds, (long)atLeast.TotalSeconds - 1, (long)atMost.TotalSeconds + 1);

    private static async Task<long> CountAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
