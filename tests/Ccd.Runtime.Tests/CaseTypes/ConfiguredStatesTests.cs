using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.Tests.Support;
using Ccd.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.CaseTypes;

/// <summary>A configuration case type that declares its states accepts only those, and an event's PostState is where it leaves the case.</summary>
public sealed class ConfiguredStatesTests(PostgresServer postgres)
{
    private const string Staged = "FT_Staged";

    private static readonly Dictionary<string, string?> Configuration = new()
    {
        ["Ccd:CaseTypes:1:Id"] = Staged,
        ["Ccd:CaseTypes:1:Jurisdiction"] = TestService.Jurisdiction,
        ["Ccd:CaseTypes:1:States:0"] = "Open",
        ["Ccd:CaseTypes:1:States:1"] = "Closed",
        ["Ccd:CaseTypes:1:Events:0:Id"] = "create",
        ["Ccd:CaseTypes:1:Events:1:Id"] = "close",
        ["Ccd:CaseTypes:1:Events:1:PostState"] = "Closed",
    };

    [Fact]
    public async Task only_declared_states_are_accepted_and_post_state_is_where_the_event_leaves_the_case()
    {
        await using var service = await TestService.StartAsync(postgres, Configuration);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();

        var elsewhere = await ccd.SubmitAsync(Payloads.Create(Payloads.NewReference(), Staged, "create", new JsonObject(), state: "Pending"));
        var created = await ccd.SubmitAsync(Payloads.Create(reference, Staged, "create", new JsonObject { ["note"] = "a" }));
        var closed = await ccd.SubmitAsync(Payloads.Update(reference, Staged, "close", new JsonObject { ["note"] = "b" }, version: 1, state: "Open"));

        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.Status);
        Assert.Equal("case_details.state", elsewhere.Json["field"]?.GetValue<string>());
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (created.Status, closed.Status));
        Assert.Equal("Open", created.Json["case_details"]!["state"]!.GetValue<string>());
        Assert.Equal("Closed", closed.Json["case_details"]!["state"]!.GetValue<string>());
        Assert.Equal("b", closed.Json["case_details"]!["case_data"]!["note"]!.GetValue<string>());
        Assert.Equal(1, await service.CountAsync($"SELECT count(*) FROM ccd.case_data WHERE case_type_id = '{Staged}'"));
    }
}
