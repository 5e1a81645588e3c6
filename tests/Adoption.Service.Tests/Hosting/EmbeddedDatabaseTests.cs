using Npgsql;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

/// <summary>The README's run command: no configuration at all starts an embedded cluster whose data survives restarts.</summary>
public sealed class EmbeddedDatabaseTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"ccd-embedded-{Guid.NewGuid():N}", "postgres");

    [Fact]
    public async Task with_no_configuration_the_service_is_ready_and_its_data_persists_across_a_restart()
    {
        var environment = new Dictionary<string, string?> { ["LOCAL_DATA_DIR"] = _dataDirectory };

        await using (var first = ServiceBinary.Start(environment))
        {
            await first.WaitReadyAsync(TimeSpan.FromSeconds(90));
            await using var connection = await OpenEmbeddedAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO ccd.case_data (reference, jurisdiction, case_type_id, state, security_classification, created_date, last_modified, last_state_modified_date)
                VALUES (1234567890123452, 'ADOPTION', 'A58', 'APPLICATION', 'PUBLIC', now(), now(), now())
                """, connection);
            await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            await first.StopAsync();
            Assert.Equal(0, first.ExitCode);
        }

        // The embedded server is stopped with the service.
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")), "the embedded cluster is still running");

        await using var second = ServiceBinary.Start(environment);
        await second.WaitReadyAsync(TimeSpan.FromSeconds(90));
        await using var reopened = await OpenEmbeddedAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM ccd.case_data WHERE reference = 1234567890123452", reopened);
        Assert.Equal(1L, await count.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        await second.StopAsync();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(_dataDirectory)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<NpgsqlConnection> OpenEmbeddedAsync()
    {
        // postmaster.pid line 4 holds the port the server listens on; TCP needs the password generated beside the data.
        var port = int.Parse(File.ReadLines(Path.Combine(_dataDirectory, "postmaster.pid")).ElementAt(3), System.Globalization.CultureInfo.InvariantCulture);
        var password = (await File.ReadAllTextAsync(_dataDirectory + ".password", TestContext.Current.CancellationToken)).Trim();
        var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database=ccd_local;Pooling=false");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }
}
