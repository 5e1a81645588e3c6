using Ccd.Runtime.Configuration;
using Ccd.Runtime.Database;
using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.LocalDatabase.Tests;

/// <summary>
/// The embedded database is a development part: registering it starts and installs nothing; it starts when the
/// database is first needed and stops with the application; without server binaries it fails with one line naming
/// the script that installs them.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresRegistrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ccd-reg-{Guid.NewGuid():N}"[..20]);

    private string Data => Path.Combine(_directory, "postgres");

    [Fact]
    public async Task registering_starts_nothing_and_the_first_use_starts_the_cluster_that_disposing_stops()
    {
        var app = Build();
        var local = app.Services.GetRequiredService<ILocalDatabase>();
        Assert.False(Directory.Exists(Data), "registering or building created the cluster's folder");

        // The database target (what the data sources are built from) is the first use.
        var target = app.Services.GetRequiredService<DatabaseTarget>();
        Assert.Same(local, target.Embedded);
        await using (var dataSource = NpgsqlDataSource.Create(await local.StartAsync("ccd_local", TestContext.Current.CancellationToken)))
        await using (var command = dataSource.CreateCommand("SELECT current_database()"))
        {
            Assert.Equal("ccd_local", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }

        Assert.StartsWith($"embedded PostgreSQL in {Data} on 127.0.0.1:", local.Describe(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Data, "postmaster.pid")));

        await app.DisposeAsync();
        Assert.False(File.Exists(Path.Combine(Data, "postmaster.pid")), "disposing the application left the cluster running");
    }

    [Fact]
    public void missing_server_binaries_are_one_line_naming_the_install_script()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_directory, "no-binaries")).FullName;

        var fromVariable = Assert.Throws<InvalidOperationException>(() => PostgresBinaries.Find(configured: empty));
        var fromRoot = Assert.Throws<InvalidOperationException>(() => PostgresBinaries.Find(configured: string.Empty, root: empty));

        Assert.Contains($"PG_BIN_DIR is {empty}, which holds no initdb", fromVariable.Message, StringComparison.Ordinal);
        foreach (var message in new[] { fromVariable.Message, fromRoot.Message })
        {
            Assert.Contains("run scripts/install-prerequisites.sh serve", message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', message);
        }
    }

    [Fact]
    public void local_without_a_url_or_a_registered_database_names_both_remedies()
    {
        using var app = Build(addLocalPostgres: false);

        var failure = Assert.Throws<CcdStartupException>(() => app.Services.GetRequiredService<DatabaseTarget>());

        Assert.Equal(
            "LOCAL_DATABASE_URL is not set and no embedded database is registered: set LOCAL_DATABASE_URL, or register the development database (AddLocalPostgres, from Ccd.Runtime.LocalDatabase).",
            failure.Message);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private WebApplication Build(bool addLocalPostgres = true)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["APP_ENV"] = "LOCAL",
            ["LOCAL_DATA_DIR"] = Data,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var ccd = builder.AddCcdRuntime();
        if (addLocalPostgres)
        {
            ccd.AddLocalPostgres();
        }

        return builder.Build();
    }
}
