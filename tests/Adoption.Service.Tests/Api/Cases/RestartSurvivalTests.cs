using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Adoption.Service.Hosting;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Api.Cases;

/// <summary>Acceptance 9: cases written by one service process are served by the next one on the same database.</summary>
public sealed class RestartSurvivalTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task data_survives_a_restart_of_the_service_process()
    {
        var environment = new Dictionary<string, string?>
        {
            ["APP_ENV"] = "TEST",
            ["TEST_DATABASE_URL"] = await postgres.CreateDatabaseAsync(AdoptionHost.Migrations),
        };
        var dll = Path.Combine(AppContext.BaseDirectory, "Adoption.Service.dll");
        var token = new AuthenticationHeaderValue("Bearer", TestTokens.User("caseworker-1", ["caseworker"], ["LFC"]));

        string id;
        await using (var first = ServiceProcess.Start(dll, environment))
        {
            await first.WaitReadyAsync();
            using var client = new HttpClient { BaseAddress = first.BaseAddress };
            client.DefaultRequestHeaders.Authorization = token;
            using var created = await client.PostAsJsonAsync("api/cases", new { courtCode = "LFC", applicantName = "Alex", childName = "Sam" }, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
            await first.StopAsync();
        }

        await using var second = ServiceProcess.Start(dll, environment);
        await second.WaitReadyAsync();
        using var again = new HttpClient { BaseAddress = second.BaseAddress };
        again.DefaultRequestHeaders.Authorization = token;
        var read = await again.GetFromJsonAsync<JsonElement>($"api/cases/{id}", Ct);
        var audit = await again.GetFromJsonAsync<JsonElement>($"api/cases/{id}/audit", Ct);

        // The process runs on the system clock, so the year is whatever it is now.
        Assert.Matches("^LFC/[0-9]{4}/00001$", read.GetProperty("caseNumber").GetString()!);
        Assert.Equal("Alex", read.GetProperty("applicantName").GetString());
        Assert.Equal("case.created", audit[0].GetProperty("action").GetString());
    }
}
