using Ccd.Runtime.CentralCcd;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Import;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Commands;
using Ccd.Testing;
using Ccd.Testing.FakeCcd;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ccd.Runtime.Tests.Import;

/// <summary><c>import --verify --live</c>: the same cases read from CCD's data store API and from our <c>/ccd-persistence</c>, field by field.</summary>
public sealed class LiveVerifyTests(PostgresServer postgres)
{
    private static readonly Dictionary<string, string?> A58 = new()
    {
        ["Ccd:CaseTypes:0:Id"] = "A58", ["Ccd:CaseTypes:0:Jurisdiction"] = "ADOPTION",
    };

    [Fact]
    public async Task live_verification_finds_every_field_ccd_shows_differently_from_us()
    {
        await using var world = await LiveWorld.StartAsync(postgres, eventsPerCase: 2);
        var (fixture, ccd, verifier) = (world.Fixture, world.Ccd, world.Verifier);
        var (old, tampered) = (CcdSourceDatabase.Reference(13), CcdSourceDatabase.Reference(1));

        // Case 13 is a CCD row from before CCD recorded last_state_modified_date: CCD shows none, we show its last_modified.
        var first = (await verifier.VerifyAsync(["A58"], sample: 100, TestContext.Current.CancellationToken)).Single();
        Assert.Equal(14, first.Read); // every A58 case of the 20
        var legacy = Assert.Single(first.Differences);
        Assert.Equal((old, "last_state_modified_on", "null"), (legacy.Reference, legacy.Field, legacy.Ccd));

        // CCD renders two fields of case 1 differently from us: a classification and a data field's date format.
        await ImportFixture.ExecuteAsync(fixture.Source, $"UPDATE case_data SET data = data || '{{\"orderDate\": \"2024-03-01\"}}' WHERE reference = {tampered}");
        await ImportFixture.ExecuteAsync(fixture.Target, $"UPDATE ccd.case_data SET data = data || '{{\"orderDate\": \"2024-03-01\"}}' WHERE reference = {tampered}");
        ccd.DataStore.AlterRead = body =>
        {
            if (body["id"]!.GetValue<string>() == tampered.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                body["data_classification"]!["applicantName"] = "PRIVATE";
                body["data"]!["orderDate"] = "01/03/2024";
            }

            return body;
        };

        var second = (await verifier.VerifyAsync(["A58"], sample: 100, TestContext.Current.CancellationToken)).Single();

        Assert.False(second.Passed);
        var found = second.Differences.Where(d => d.Reference == tampered).ToList();
        Assert.Equal(["data.orderDate", "data_classification.applicantName"], found.Select(d => d.Field));
        Assert.Equal(("a string", "a string"), (found[0].Ccd, found[0].Ours)); // case data is never printed
        Assert.Equal(("\"PRIVATE\"", "\"PUBLIC\""), (found[1].Ccd, found[1].Ours));

        // On the command line: exit code 1 with differences, 2 without a CCD client.
        var host = new Ccd.Runtime.Testing.CcdServiceDefinition { ConfigureServices = builder => builder.AddCcdRuntime(), ConfigureApp = _ => { } };
        string[] common = ["import", "--verify", "--live", "--sample", "100", "--case-types", "A58", "--APP_ENV=TEST",
            $"--TEST_DATABASE_URL={fixture.TargetConnection}", $"--Ccd:Auth:SigningKey={TestTokens.SigningKey}",
            .. A58.Select(s => $"--{s.Key}={s.Value}")];
        Assert.Equal(1, await host.RunAsync([.. common, .. ccd.Configuration.Select(s => $"--{s.Key}={s.Value}")]));
        Assert.Equal(2, await host.RunAsync(common));
    }

    [Fact]
    public async Task a_case_with_only_its_create_event_shows_the_same_last_modified_both_ways()
    {
        // CCD sets last_modified when it saves a case it stores, its creation included, a moment after the creation
        // time (ccd-data-store-api DefaultCaseDetailsRepository.set): never null for such a case.
        await using var world = await LiveWorld.StartAsync(postgres, eventsPerCase: 1);
        var (fixture, ccd, verifier) = (world.Fixture, world.Ccd, world.Verifier);

        var result = (await verifier.VerifyAsync(["A58"], sample: 100, TestContext.Current.CancellationToken)).Single();

        Assert.Equal(14, result.Read);
        Assert.DoesNotContain(result.Differences, d => d.Field is "last_modified_on" or "created_on");
        // Only the row from before CCD recorded the state's date differs.
        Assert.Equal([(CcdSourceDatabase.Reference(13), "last_state_modified_on")], result.Differences.Select(d => (d.Reference, d.Field)));
        // Both sides show CCD's own value (its save, 7 ms after the creation here), not the creation time.
        await using var count = fixture.Target.CreateCommand(
            "SELECT count(*) FROM ccd.case_data WHERE case_type_id = 'A58' AND last_modified = created_date + interval '7 milliseconds'");
        Assert.Equal(14L, await count.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// 20 cases imported from CCD's database, the service serving them on /ccd-persistence with its CCD client
    /// pointed at the fake, which still serves A58 from CCD's own database.
    /// </summary>
    private sealed class LiveWorld(ImportFixture fixture, FakeCcd ccd, TestServiceApp app) : IAsyncDisposable
    {
        public ImportFixture Fixture => fixture;

        public FakeCcd Ccd => ccd;

        public LiveVerifier Verifier { get; } = new(fixture.Target, app.Services, app.Services.GetRequiredService<CcdDataStoreClient>());

        public static async Task<LiveWorld> StartAsync(PostgresServer postgres, int eventsPerCase)
        {
            var fixture = await ImportFixture.CreateAsync(postgres, cases: 20, eventsPerCase: eventsPerCase);
            await fixture.ImportAsync(ImportPhase.All);
            var ccd = await FakeCcd.StartAsync();
            ccd.DataStore.CentralDatabase = fixture.SourceConnection;
            var settings = new Dictionary<string, string?>(A58);
            foreach (var (key, value) in ccd.Configuration)
            {
                settings[key] = value;
            }

            var app = await TestServiceApp.StartAsync(new Ccd.Runtime.Testing.CcdServiceDefinition
            {
                ConfigureServices = builder => builder.AddCcdRuntime(),
                ConfigureApp = web => web.MapCcdPersistence(),
            }, fixture.TargetConnection, settings);
            return new LiveWorld(fixture, ccd, app);
        }

        public async ValueTask DisposeAsync()
        {
            await app.DisposeAsync();
            await ccd.DisposeAsync();
            await fixture.DisposeAsync();
        }
    }
}
