using System.CommandLine;
using Ccd.Runtime.Commands;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Schema;
using Ccd.Testing;
using Microsoft.AspNetCore.Builder;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Schema;

/// <summary>A service's migrations by convention: the .sql files its assembly embeds from Migrations/, as their own module; a module without scripts stops start-up with one line.</summary>
public sealed class MigrationConventionTests(PostgresServer postgres)
{
    [Fact]
    public async Task the_embedded_migrations_folder_is_found_and_applied_as_the_assemblys_module()
    {
        var url = await postgres.CreateEmptyDatabaseAsync();

        var (exitCode, error) = await RunAsync(url, "migrate", ccd => ccd.AddMigrations(typeof(MigrationConventionTests).Assembly));

        Assert.True(exitCode == 0, error);
        await using var connection = new NpgsqlConnection(url);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var journal = new NpgsqlCommand("SELECT name FROM ccd.schema_migrations WHERE module = 'ccd.runtime.tests'", connection);
        Assert.Equal("0001_conventional_probe.sql", await journal.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        await using var table = new NpgsqlCommand("SELECT count(*) FROM conventional_probe", connection);
        Assert.Equal(0L, await table.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void the_module_is_the_first_part_of_the_assembly_name()
    {
        Assert.Equal("npgsql", MigrationSource.FromAssembly(typeof(NpgsqlConnection).Assembly).Module);
        Assert.Equal("ccd.runtime.tests", MigrationSource.FromAssembly(typeof(MigrationConventionTests).Assembly).Module); // not the runtime's own ccd
        Assert.Equal("notes", MigrationSource.FromAssembly(typeof(MigrationConventionTests).Assembly, "notes").Module);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("migrate")]
    public async Task a_module_without_scripts_stops_start_up_with_one_line_naming_it_and_the_prefix(string command)
    {
        // A typo in the prefix: the assembly embeds Ccd.Runtime.Tests.Migrations.*.sql.
        var typo = new MigrationSource("probe", typeof(MigrationConventionTests).Assembly, "Ccd.Runtime.Test.Migrations.");

        var (exitCode, error) = await RunAsync("postgres://app:pw@127.0.0.1:1/none", command, ccd => ccd.AddMigrations(typo));

        Assert.Equal(2, exitCode);
        Assert.Equal(
            "error: Migrations of module probe: no scripts found (embedded *.sql resources of Ccd.Runtime.Tests starting with 'Ccd.Runtime.Test.Migrations.'); embed the service's Migrations/*.sql or fix the prefix.",
            error.Trim());
    }

    [Fact]
    public async Task an_assembly_without_a_migrations_folder_stops_start_up_naming_the_module()
    {
        var (exitCode, error) = await RunAsync("postgres://app:pw@127.0.0.1:1/none", "migrate", ccd => ccd.AddMigrations(typeof(NpgsqlConnection).Assembly));

        Assert.Equal(2, exitCode);
        Assert.Equal(
            "error: Migrations of module npgsql: no scripts found (embedded *.sql resources of Npgsql starting with 'Npgsql.Migrations.'); embed the service's Migrations/*.sql or fix the prefix.",
            error.Trim());
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(string url, string command, Action<CcdRuntimeBuilder> declare)
    {
        string[] args = [command, "--APP_ENV=TEST", $"--TEST_DATABASE_URL={url}", $"--Ccd:Auth:SigningKey={TestTokens.SigningKey}", "--urls=http://127.0.0.1:0"];
        var builder = WebApplication.CreateBuilder(args);
        declare(builder.AddCcdRuntime());
        await using var app = builder.Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await app.RunCcdAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, error.ToString());
    }
}
