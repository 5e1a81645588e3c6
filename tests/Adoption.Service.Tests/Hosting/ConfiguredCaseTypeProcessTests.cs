using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Adoption.Service.Hosting;
using Adoption.Service.Tests.Hosting;
using Ccd.Runtime.Testing;
using Ccd.Runtime.Wire;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

/// <summary>
/// A case type declared only through environment variables, served by the real service binary (the one
/// <c>scripts/run.sh</c> runs), called with the tokens its own <c>dev-token</c> command prints.
/// </summary>
public sealed class ConfiguredCaseTypeProcessTests(PostgresServer postgres)
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(90);

    private static Dictionary<string, string?> BlobCaseType() => new()
    {
        ["Ccd__CaseTypes__0__Id"] = "FT_Blob",
        ["Ccd__CaseTypes__0__Jurisdiction"] = "TEST",
        ["Ccd__CaseTypes__0__HmctsServiceId"] = "ABC1",
        ["Ccd__CaseTypes__0__Events__0__Id"] = "create",
        ["Ccd__CaseTypes__0__Events__0__Publish"] = "true",
        ["Ccd__CaseTypes__0__Events__0__PublishedFields__0__Name"] = "note",
        ["Ccd__CaseTypes__0__Events__1__Id"] = "update",
    };

    [Fact]
    public async Task a_configuration_only_case_type_works_end_to_end_with_the_run_command_and_dev_tokens()
    {
        var database = await postgres.CreateDatabaseAsync(AdoptionHost.Migrations);
        // LOCAL, as scripts/run.sh runs by default; a database URL instead of the embedded cluster keeps the test fast.
        var environment = BlobCaseType();
        environment["APP_ENV"] = "LOCAL";
        environment["LOCAL_DATABASE_URL"] = database;
        var serviceToken = await DevTokenAsync(environment, "service", "ccd_data");
        var userToken = await DevTokenAsync(environment, "user", "officer-9", "--first-name", "Mary", "--last-name", "Seacole");
        await using var service = ServiceBinary.Start(environment);
        await service.WaitReadyAsync(Ceiling);
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
        client.DefaultRequestHeaders.Add("ServiceAuthorization", serviceToken);
        var reference = CaseReference.Mint();

        var created = await SubmitAsync(client, Body(reference, "create", null, new JsonObject { ["note"] = "from env" }));
        var updated = await SubmitAsync(client, Body(reference, "update", 1, new JsonObject { ["note"] = "changed" }));
        var read = JsonNode.Parse(await client.GetStringAsync(new Uri($"ccd-persistence/cases?case-refs={reference}", UriKind.Relative), TestContext.Current.CancellationToken))!;
        var history = JsonNode.Parse(await client.GetStringAsync(new Uri($"ccd-persistence/cases/{reference}/history", UriKind.Relative), TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(HttpStatusCode.Created, updated.Status);
        Assert.Equal("changed", read[0]!["case_details"]!["case_data"]!["note"]!.GetValue<string>());
        Assert.Equal("""{"HMCTSServiceId":"ABC1"}""", read[0]!["case_details"]!["supplementary_data"]!.ToJsonString());
        Assert.Equal(2, read[0]!["revision"]!.GetValue<int>());
        Assert.Equal(["update", "create"], history.AsArray().Select(h => h!["event"]!["id"]!.GetValue<string>()));
        Assert.Equal("officer-9", history[1]!["event"]!["user_id"]!.GetValue<string>());
        Assert.Equal("Mary", history[1]!["event"]!["user_first_name"]!.GetValue<string>());
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(database);
        await using var messages = dataSource.CreateCommand("SELECT message_information->'AdditionalData'->'Data'->>'note' FROM ccd.message_queue_candidates");
        Assert.Equal("from env", await messages.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task fifty_concurrent_identical_creates_over_two_service_processes_end_as_one_case_one_201_and_49_replays()
    {
        var database = await postgres.CreateDatabaseAsync(AdoptionHost.Migrations);
        var environment = BlobCaseType();
        environment["APP_ENV"] = "TEST";
        environment["TEST_DATABASE_URL"] = database;
        environment["Ccd__Auth__SigningKey"] = TestTokens.SigningKey;
        await using var first = ServiceBinary.Start(environment);
        await using var second = ServiceBinary.Start(environment);
        await Task.WhenAll(first.WaitReadyAsync(Ceiling), second.WaitReadyAsync(Ceiling));
        var clients = new[] { first, second }.Select(process =>
        {
            var client = new HttpClient { BaseAddress = process.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.User("officer-1"));
            client.DefaultRequestHeaders.Add("ServiceAuthorization", TestTokens.Service());
            return client;
        }).ToArray();
        var reference = CaseReference.Mint();
        var body = Body(reference, "create", null, new JsonObject { ["note"] = "race" });
        var key = Guid.NewGuid();

        var replies = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => SubmitAsync(clients[i % 2], body, key)));

        Assert.Equal(1, replies.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(49, replies.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(replies, r => Assert.Equal(replies[0].Text, r.Text));
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(database);
        await using var count = dataSource.CreateCommand("SELECT (SELECT count(*) FROM ccd.case_data) * 10 + (SELECT count(*) FROM ccd.case_event)");
        Assert.Equal(11L, await count.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    private static async Task<string> DevTokenAsync(Dictionary<string, string?> environment, params string[] args)
    {
        var (exitCode, output, _) = await ServiceBinary.RunAsync(environment, Ceiling, ["dev-token", .. args]);
        Assert.True(exitCode == 0, output);
        return output.Trim();
    }

    private static readonly CcdCaseType Blob = new("FT_Blob", "TEST");

    private static JsonObject Body(long reference, string eventId, int? version, JsonObject data)
    {
        var options = new CcdSubmitOptions { InternalCaseId = reference % 1_000_000 };
        return version is null
            ? CcdEventBodies.Create(Blob, reference, eventId, "Open", data, options)
            : CcdEventBodies.Update(Blob, reference, eventId, "Open", version.Value, data, options);
    }

    private static Task<CcdAnswer> SubmitAsync(HttpClient client, JsonObject body) => SubmitAsync(client, body, Guid.NewGuid());

    private static Task<CcdAnswer> SubmitAsync(HttpClient client, JsonObject body, Guid key) => new CcdDataStoreClient(client, Blob).SubmitAsync(body, key);
}
