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
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 20, eventsPerCase: 2);
        await fixture.ImportAsync(ImportPhase.All);
        await using var ccd = await FakeCcd.StartAsync();
        ccd.DataStore.CentralDatabase = fixture.SourceConnection; // CCD still serves A58 from its own database
        var settings = new Dictionary<string, string?>(A58);
        foreach (var (key, value) in ccd.Configuration)
        {
            settings[key] = value;
        }

        await using var app = await TestServiceApp.StartAsync(new Ccd.Runtime.Testing.CcdServiceDefinition
        {
            ConfigureServices = builder => builder.AddCcdRuntime(),
            ConfigureApp = web => web.MapCcdPersistence(),
        }, fixture.TargetConnection, settings);
        var verifier = new LiveVerifier(fixture.Target, app.Services, app.Services.GetRequiredService<CcdDataStoreClient>());
        var (old, tampered) = (CcdSourceDatabase.Reference(13), CcdSourceDatabase.Reference(1));

        // Case 13 is an old CCD row without last_modified dates: CCD shows none, we show its creation time.
        var first = (await verifier.VerifyAsync(["A58"], sample: 100, TestContext.Current.CancellationToken)).Single();
        Assert.Equal(14, first.Read); // every A58 case of the 20
        Assert.Equal(["last_modified_on", "last_state_modified_on"], first.Differences.Select(d => d.Field));
        Assert.All(first.Differences, d => Assert.Equal(old, d.Reference));
        Assert.Equal("null", first.Differences[0].Ccd);

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
}
