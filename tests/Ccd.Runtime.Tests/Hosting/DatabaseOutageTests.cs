using Ccd.Runtime.Commands;
using System.Diagnostics;
using System.Net;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.LocalDatabase;
using Ccd.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Hosting;

/// <summary>A database that hangs or goes away gives 503 with Retry-After, never 500 or a hang, and the service recovers by itself.</summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ccd-outage-{Guid.NewGuid():N}");
    private LocalPostgresCluster? _cluster;
    private TestServiceApp? _app;

    // An endpoint that needs the database, standing in for any of the service's endpoints.
    private static readonly CcdServiceDefinition Host = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime(),
        ConfigureApp = app => app.MapGet("/probe", async (NpgsqlDataSource db, CancellationToken ct) =>
        {
            await using var command = db.CreateCommand("SELECT count(*) FROM ccd.case_data");
            return Results.Ok(await command.ExecuteScalarAsync(ct));
        }),
    };

    public async ValueTask InitializeAsync()
    {
        _cluster = await LocalPostgresCluster.StartAsync(Path.Combine(_directory, "data"), throwaway: true);
        _app = await TestServiceApp.StartAsync(Host, _cluster.ConnectionString(), new Dictionary<string, string?>
        {
            ["Ccd:Database:CommandTimeoutSeconds"] = "2",
            ["Ccd:Database:ConnectTimeoutSeconds"] = "2",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            Signal("CONT", _cluster.ProcessIds());
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.StopAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task a_hanging_then_stopped_database_gives_503_with_retry_after_and_the_service_recovers()
    {
        using var client = _app!.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/probe", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        // Frozen: connections are accepted by the kernel but nothing answers.
        var frozen = _cluster!.ProcessIds();
        Signal("STOP", frozen);
        await AssertUnavailableWithinAsync(client, TimeSpan.FromSeconds(15));
        Signal("CONT", frozen);

        // Stopped: connections are refused.
        var port = _cluster.Port;
        await _cluster.StopAsync();
        await AssertUnavailableWithinAsync(client, TimeSpan.FromSeconds(15));

        // Back on the same port: requests succeed without restarting the service.
        _cluster = await LocalPostgresCluster.StartAsync(Path.Combine(_directory, "data"), throwaway: true, port: port, cancellationToken: TestContext.Current.CancellationToken);
        var recovered = await client.GetAsync(new Uri("/probe", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Fact]
    public async Task readiness_reports_the_database_down_and_liveness_does_not()
    {
        using var client = _app!.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        await _cluster!.StopAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    private static async Task AssertUnavailableWithinAsync(HttpClient client, TimeSpan ceiling)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(new Uri("/probe", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.True(clock.Elapsed < ceiling, $"answered after {clock.Elapsed}, past the liveness ceiling");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter is not null, "Retry-After is missing");
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("urn:ccd:problem:database-unavailable", body, StringComparison.Ordinal);
        Assert.Contains("traceId", body, StringComparison.Ordinal);
    }

    private static void Signal(string signal, IEnumerable<int> processIds)
    {
        foreach (var pid in processIds)
        {
            using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }
}
