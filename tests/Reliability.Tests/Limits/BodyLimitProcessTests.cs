using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Npgsql;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.Limits;

/// <summary>The body limit as the real server (Kestrel) enforces it, in the service binary.</summary>
public sealed class BodyLimitProcessTests(PostgresServer postgres)
{
    [Fact]
    public async Task the_real_server_refuses_a_body_over_the_configured_limit_with_413_and_accepts_one_under_it()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var service = await ServiceBinary.StartAsync(
            ServiceBinary.Environment(database, new Dictionary<string, string?> { ["Ccd__MaxRequestBodyBytes"] = "65536" }), ServiceProcess.FreePort());
        using var client = new HttpClient { BaseAddress = service.BaseAddress };

        var over = await Submit(Refs.Valid(80_001), new string('x', 70_000)).SendAsync(client, TestContext.Current.CancellationToken);
        var under = await Submit(Refs.Valid(80_002), new string('x', 60_000)).SendAsync(client, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.Status);
        Assert.Equal("application/problem+json", over.ContentType);
        Assert.Equal(HttpStatusCode.Created, under.Status);
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM ccd.case_data");
        Assert.Equal(1L, await count.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    private static RawRequest Submit(long reference, string text) =>
        new("POST", "/ccd-persistence/cases", Encoding.UTF8.GetBytes(Bodies.Create(reference, new JsonObject { ["text"] = text }).ToJsonString()))
        {
            // Sent as a careful client sends a large body: the server can refuse it before the bytes travel (a server
            // that refuses a body it has not read closes the connection, which a client without it sees as a reset).
            Headers = [new("Expect", "100-continue")],
        };
}
