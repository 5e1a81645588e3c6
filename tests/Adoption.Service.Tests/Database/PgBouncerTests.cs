using System.Net;
using System.Net.Http.Json;
using Adoption.Service.Hosting;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.Database;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace Adoption.Service.Tests.Database;

/// <summary>
/// The service behind Debian's PgBouncer in transaction mode (started here, in front of the test cluster): it
/// serves through the pool as the runtime login, says so in its start-up line, and keeps LISTEN on the direct port.
/// </summary>
public sealed class PgBouncerTests(PostgresServer postgres) : IAsyncLifetime
{
    private PgBouncer _bouncer = null!;

    public async ValueTask InitializeAsync() =>
        _bouncer = await PgBouncer.StartAsync(Path.Combine(postgres.Directory, $"bouncer-{Guid.NewGuid():N}"), postgres.Port, postgres.Password);

    public async ValueTask DisposeAsync() => await _bouncer.DisposeAsync();

    [Fact]
    public async Task the_service_serves_through_a_transaction_pool_and_listens_on_the_direct_connection()
    {
        var database = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync(AdoptionHost.Migrations)) { Port = _bouncer.Port };
        var logs = new LogCapture();
        await using var app = await TestServiceApp.StartAsync(AdoptionDefinition.Service, database.ConnectionString, new Dictionary<string, string?>
        {
            ["Ccd:Database:TransactionPooling"] = "true",
            ["Ccd:Database:DirectPort"] = postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Ccd.Runtime.Database"] = "Information",
        }, services => services.AddSingleton<ILoggerProvider>(logs));

        using var client = app.CreateClient(TestTokens.User("admin-1", ["admin"]), serviceToken: null);
        for (var i = 0; i < 5; i++)
        {
            using var created = await client.PostAsJsonAsync("/api/cases", new { courtCode = "BFC", applicantName = $"Applicant {i}", childName = "Child" }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var serving = new NpgsqlConnectionStringBuilder(app.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
        var listen = new NpgsqlConnectionStringBuilder(app.Services.GetRequiredService<ListenDataSource>().DataSource!.ConnectionString);
        Assert.Equal((_bouncer.Port, PostgresServer.RuntimeLogin, 0), (serving.Port, serving.Username, serving.MaxAutoPrepare));
        Assert.Equal((postgres.Port, PostgresServer.RuntimeLogin), (listen.Port, listen.Username));
        var clients = await _bouncer.AdminAsync("SHOW CLIENTS");
        Assert.Contains(clients, row => row.Contains($"|{PostgresServer.RuntimeLogin}|{database.Database}|", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Message.Contains("through a transaction pool: automatic statement preparation off; LISTEN/NOTIFY over the direct connection", StringComparison.Ordinal));
    }
}
