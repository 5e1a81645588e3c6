using Microsoft.Extensions.DependencyInjection.Extensions;
using Ccd.Runtime.Commands;
using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Hosting;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Ccd.Runtime.Tests.Writing;
using Ccd.Runtime.Tests.Endpoints;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Support;

/// <summary>
/// A service on the runtime with two case types: <c>FT_Blob</c> declared in configuration only, and <c>FT_Typed</c>
/// declared in code with a submit handler that writes the service's own table, a blob handler and a case view.
/// </summary>
internal sealed class TestService : IAsyncDisposable
{
    public const string BlobType = "FT_Blob";
    public const string TypedType = "FT_Typed";
    public const string Jurisdiction = "TEST";
    public const string ServiceId = "ABC1";

    private TestService(TestServiceApp app, NpgsqlDataSource dataSource, FakeTimeProvider time, HandlerProbe probe)
    {
        App = app;
        DataSource = dataSource;
        Time = time;
        Probe = probe;
    }

    public TestServiceApp App { get; }

    public NpgsqlDataSource DataSource { get; }

    public FakeTimeProvider Time { get; }

    public HandlerProbe Probe { get; }

    public static Dictionary<string, string?> BlobTypeConfiguration() => new()
    {
        ["Ccd:CaseTypes:0:Id"] = BlobType,
        ["Ccd:CaseTypes:0:Jurisdiction"] = Jurisdiction,
        ["Ccd:CaseTypes:0:Events:0:Id"] = "create",
        ["Ccd:CaseTypes:0:Events:0:Name"] = "Create a case",
        ["Ccd:CaseTypes:0:Events:0:Publish"] = "true",
        ["Ccd:CaseTypes:0:Events:0:PublishedFields:0:Name"] = "note",
        ["Ccd:CaseTypes:0:Events:0:PublishedFields:1:Name"] = "count",
        ["Ccd:CaseTypes:0:Events:0:PublishedFields:1:Type"] = "Number",
        ["Ccd:CaseTypes:0:Events:1:Id"] = "update",
        ["Ccd:CaseTypes:0:Events:1:Publish"] = "true",
        ["Ccd:CaseTypes:0:Events:1:PublishedFields:0:Name"] = "note",
        ["Ccd:CaseTypes:0:Events:2:Id"] = "addNote",
        ["Ccd:CaseTypes:0:Events:2:Additive"] = "true",
    };

    public static CcdServiceDefinition Definition { get; } = new()
    {
        ConfigureServices = builder =>
        {
            // The typed handler's dependency, so every host of this definition can create it (start-up checks that it
            // can); a test that watches the handler registers its own probe after this one, and that one is used.
            builder.Services.TryAddSingleton<HandlerProbe>();
            builder.AddCcdRuntime()
                .AddMigrations(TestSchema.Migrations)
                .AddCaseType<TypedCase, TypedState>(TypedType, Jurisdiction, ct => ct
                    .HmctsServiceId(ServiceId)
                    .View<TypedCaseView>()
                    .Event("create", e => e.Name("Create typed").Handler<TypedSubmitHandler>().Publish().PublishedField(c => c.Title))
                    .Event("edit", e => e.Handler<TypedSubmitHandler>())
                    .Event("shout", e => e.BlobHandler<ShoutingBlobHandler>())
                    .Event("addTypedNote", e => e.Handler<AddTypedNoteHandler>().Additive())
                    .Event("plain"))
                .AddJobHandler<Jobs.IgnoredTestEmail>(Jobs.TestEmail.Kind);
        },
        ConfigureApp = app => app.MapCcdPersistence(),
    };

    public static async Task<TestService> StartAsync(PostgresServer postgres, IDictionary<string, string?>? configuration = null)
    {
        var database = await postgres.CreateDatabaseAsync(TestSchema.Migrations);
        var settings = BlobTypeConfiguration();
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 5, 12, 34, 56, 789, TimeSpan.Zero));
        var probe = new HandlerProbe();
        var app = await TestServiceApp.StartAsync(Definition, database, settings, services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddSingleton(probe);
        });
        return new TestService(app, NpgsqlDataSource.Create(database), time, probe);
    }

    /// <summary>A client calling as CCD does, for <paramref name="userId"/>.</summary>
    public CcdDataStoreClient Ccd(string userId = "user-1", string firstName = "Ada", string lastName = "Lovelace") =>
        new(App.CreateCcdClient(userId, firstName: firstName, lastName: lastName));

    public async Task<long> CountAsync(string sql, long? reference = null)
    {
        await using var command = DataSource.CreateCommand(sql);
        if (reference is not null)
        {
            command.Parameters.AddWithValue("r", reference.Value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<JsonNode?> JsonAsync(string sql, long reference)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("r", reference);
        var value = await command.ExecuteScalarAsync();
        return value is string text ? JsonNode.Parse(text) : null;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
