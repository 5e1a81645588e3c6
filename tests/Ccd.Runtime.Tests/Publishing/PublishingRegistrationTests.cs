using Ccd.Runtime.Commands;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Publishing;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Publishing;

public sealed class PublishingRegistrationTests(PostgresServer postgres)
{
    private static readonly CcdServiceDefinition RuntimeOnly = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime(),
        ConfigureApp = _ => { },
    };

    [Fact]
    public async Task without_a_broker_configured_the_runtime_runs_no_publisher_but_can_report_the_backlog()
    {
        var connectionString = await postgres.CreateDatabaseAsync();

        await using var app = await TestServiceApp.StartAsync(RuntimeOnly, connectionString);
        var backlog = await ((OutboxStatus)app.Services.GetService(typeof(OutboxStatus))!).ReadAsync(TestContext.Current.CancellationToken);

        Assert.Null(app.Services.GetService(typeof(OutboxPublisher)));
        Assert.Equal(new OutboxSnapshot(0, null), backlog);
    }

    [Fact]
    public async Task an_invalid_publishing_setting_stops_start_up_naming_the_key()
    {
        var connectionString = await postgres.CreateDatabaseAsync();

        var refusal = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () => await TestServiceApp.StartAsync(
            RuntimeOnly, connectionString, new Dictionary<string, string?> { ["Ccd:Publishing:Enabled"] = "true", ["Ccd:Publishing:BatchSize"] = "0" }));

        Assert.Contains("Ccd:Publishing:BatchSize", refusal.Message, StringComparison.Ordinal);
    }
}
