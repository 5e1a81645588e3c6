using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Testing;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.CaseTypes;

/// <summary>
/// A typed handler receives CCD's field types as .NET types and returns the case class, which the runtime stores and
/// shows CCD in CCD's formats; published fields declared by expression carry the inferred CCD type; a value from
/// CCD that does not fit its field is a 400 naming the field, with nothing written.
/// </summary>
public sealed class CaseFieldTypeTests(PostgresServer postgres)
{
    private static readonly CcdCaseType Fees = new("FT_Fees", "TEST");

    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 15, 30, 120, TimeSpan.Zero);

    public sealed class FeeCase
    {
        public bool? Urgent { get; set; }

        public MoneyGBP? Fee { get; set; }

        public DateOnly? DueOn { get; set; }

        public DateTimeOffset? FiledAt { get; set; }

        public List<ListValue<Payer>>? Payers { get; set; }
    }

    public sealed class Payer
    {
        public string? Name { get; set; }

        public DateOnly? Born { get; set; }
    }

    public enum FeeState
    {
        Open,
    }

    /// <summary>Adds £1 to the fee, moves the due day on, flips urgency, stamps the filing time and numbers new payers.</summary>
    public sealed class RecordFee : ISubmitHandler<FeeCase, FeeState>
    {
        public Task<SubmitResult<FeeCase, FeeState>> SubmitAsync(SubmitContext<FeeCase, FeeState> context, CancellationToken cancellationToken)
        {
            var fee = context.Proposed;
            fee.Fee = new MoneyGBP((fee.Fee?.Pence ?? 0) + 100);
            fee.DueOn = fee.DueOn?.AddDays(1);
            fee.Urgent = !(fee.Urgent ?? false);
            fee.FiledAt = context.Now;
            fee.Payers = fee.Payers?.Select((payer, i) => payer.Id is null ? payer with { Id = $"payer-{i + 1}" } : payer).ToList();
            return Task.FromResult(new SubmitResult<FeeCase, FeeState> { Data = fee });
        }
    }

    private static readonly CcdServiceDefinition Definition = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime().AddCaseType<FeeCase, FeeState>(Fees.Id, Fees.Jurisdiction, ct => ct
            .Event("record", e => e.Handler<RecordFee>()
                .PublishedField(c => c.Fee).PublishedField(c => c.DueOn).PublishedField(c => c.Urgent).PublishedField(c => c.FiledAt))),
        ConfigureApp = app => app.MapCcdPersistence(),
    };

    [Fact]
    public async Task a_typed_handler_gets_and_returns_net_types_which_ccd_sees_in_its_formats()
    {
        await using var app = await StartAsync();
        using var ccd = new CcdDataStoreClient(app.CreateCcdClient(), Fees);
        var reference = CcdEventBodies.NewReference();

        var answer = await ccd.CreateAsync(reference, "record", "Open", new JsonObject
        {
            ["urgent"] = "No",
            ["fee"] = "12550",
            ["dueOn"] = "2026-12-31",
            ["payers"] = new JsonArray(new JsonObject { ["id"] = "kept", ["value"] = new JsonObject { ["name"] = "Ann", ["born"] = "1990-01-02" } },
                new JsonObject { ["id"] = null, ["value"] = new JsonObject { ["name"] = "Bob" } }),
        });

        Assert.Equal(HttpStatusCode.Created, answer.Status);
        var expected = JsonNode.Parse("""
            {"urgent":"Yes","fee":"12650","dueOn":"2027-01-01","filedAt":"2026-12-02T10:15:30.120",
             "payers":[{"id":"kept","value":{"name":"Ann","born":"1990-01-02"}},{"id":"payer-2","value":{"name":"Bob"}}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, answer.Json["case_details"]!["case_data"]), answer.Text);
        Assert.True(JsonNode.DeepEquals(expected, (await ccd.ReadAsync(reference))!["case_details"]!["case_data"]));
        var message = await MessageAsync(app, reference);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"fee":{"originalId":"fee","type":"SimpleNumber","subtype":"MoneyGBP","typeDef":null},
             "dueOn":{"originalId":"dueOn","type":"SimpleDate","subtype":"Date","typeDef":null},
             "urgent":{"originalId":"urgent","type":"SimpleBoolean","subtype":"YesOrNo","typeDef":null},
             "filedAt":{"originalId":"filedAt","type":"SimpleDateTime","subtype":"DateTime","typeDef":null}}
            """), message["AdditionalData"]!["Definition"]), message.ToJsonString());
    }

    [Theory]
    [InlineData("urgent", "\"Maybe\"", "case_details.case_data.urgent")]
    [InlineData("fee", "\"£125.50\"", "case_details.case_data.fee")]
    [InlineData("dueOn", "\"31/12/2026\"", "case_details.case_data.dueOn")]
    [InlineData("filedAt", "\"noon\"", "case_details.case_data.filedAt")]
    [InlineData("payers", """[{"id":null,"value":{"born":"1990-02-30"}}]""", "case_details.case_data.payers[0].value.born")]
    public async Task a_value_from_ccd_that_does_not_fit_its_field_is_a_400_naming_it_and_nothing_is_written(string field, string json, string named)
    {
        await using var app = await StartAsync();
        using var ccd = new CcdDataStoreClient(app.CreateCcdClient(), Fees);

        var answer = await ccd.CreateAsync(CcdEventBodies.NewReference(), "record", "Open", new JsonObject { [field] = JsonNode.Parse(json) });

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(named, answer.Json["field"]?.GetValue<string>());
        Assert.StartsWith(named + ": ", answer.Json["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await using var dataSource = NpgsqlDataSource.Create(app.Host.ConnectionString);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM ccd.case_data");
        Assert.Equal(0L, await count.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    private async Task<TestServiceApp> StartAsync() =>
        await TestServiceApp.StartAsync(Definition, await postgres.CreateDatabaseAsync(), services: services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)));

    private static async Task<JsonObject> MessageAsync(TestServiceApp app, long reference)
    {
        await using var dataSource = NpgsqlDataSource.Create(app.Host.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT message_information::text FROM ccd.message_queue_candidates WHERE reference = @r");
        command.Parameters.AddWithValue("r", reference);
        return JsonNode.Parse((string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!)!.AsObject();
    }
}
