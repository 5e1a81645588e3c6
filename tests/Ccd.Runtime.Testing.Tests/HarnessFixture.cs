using Ccd.Runtime.Commands;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Hosting;
using Ccd.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(Ccd.Runtime.Testing.Tests.HarnessFixture))]

namespace Ccd.Runtime.Testing.Tests;

/// <summary>The harness's own throwaway PostgreSQL server and a real AMQP broker, once per run.</summary>
public sealed class HarnessFixture : IAsyncLifetime
{
    public static readonly CcdCaseType Blob = new("FT_Blob", "TEST");

    /// <summary>A bare service: the runtime and its persistence API, with FT_Blob declared in configuration.</summary>
    public static readonly CcdServiceDefinition Service = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime(),
        ConfigureApp = app => app.MapCcdPersistence(),
    };

    public CcdTestDatabase Database { get; private set; } = null!;

    public AmqpBroker Broker { get; } = new();

    public static Dictionary<string, string?> BlobConfiguration() => new()
    {
        ["Ccd:CaseTypes:0:Id"] = "FT_Blob",
        ["Ccd:CaseTypes:0:Jurisdiction"] = "TEST",
        ["Ccd:CaseTypes:0:Events:0:Id"] = "create",
        ["Ccd:CaseTypes:0:Events:0:Publish"] = "true",
        ["Ccd:CaseTypes:0:Events:1:Id"] = "update",
    };

    public async ValueTask InitializeAsync()
    {
        var broker = Broker.InitializeAsync().AsTask();
        Database = await CcdTestDatabase.StartAsync();
        await broker;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
