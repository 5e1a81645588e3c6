using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.Testing;
using Xunit;

namespace Claims.Tests;

/// <summary>FR_Claim as CCD's data store calls it.</summary>
public sealed class ClaimTests(ClaimsHost service)
{
    private static readonly CcdCaseType FrClaim = new("FR_Claim", "FR");

    [Fact]
    public async Task a_submitted_claim_is_recorded_and_acknowledged()
    {
        await using var host = await service.StartAsync();
        using var ccd = host.DataStore(FrClaim, "applicant-1");
        var reference = CcdEventBodies.NewReference();
        var claim = new JsonObject { ["applicantName"] = "Ada Lovelace", ["applicantEmail"] = "ada@example.org", ["amount"] = "12000" };
        CcdExpect.SubmitAccepted(await ccd.CreateAsync(reference, "create", "Draft", claim), FrClaim, reference);

        var submitted = await ccd.UpdateAsync(reference, "submit", "Submitted", version: 1, claim);

        CcdExpect.SubmitAccepted(submitted, FrClaim, reference);
        var read = await ccd.ReadAsync(reference);
        Assert.Equal("Submitted", read!["case_details"]!["state"]!.GetValue<string>());
        Assert.Equal("Ada Lovelace claims £120.00; 0 note(s)", read["case_details"]!["case_data"]!["summary"]!.GetValue<string>());
        Assert.Equal(12000L, await ScalarAsync(host, "SELECT amount_pence FROM claims.submissions WHERE reference = $1", reference));
        Assert.Equal(DBNull.Value, await ScalarAsync(host, "SELECT acknowledged_to FROM claims.submissions WHERE reference = $1", reference));

        var job = Assert.Single(await host.RunDueJobsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(CcdJobOutcome.Done, job.Outcome);
        Assert.Equal("ada@example.org", await ScalarAsync(host, "SELECT acknowledged_to FROM claims.submissions WHERE reference = $1", reference));
    }

    [Fact]
    public async Task a_claim_without_an_amount_is_refused_and_nothing_is_recorded()
    {
        await using var host = await service.StartAsync();
        using var ccd = host.DataStore(FrClaim, "applicant-1");
        var reference = CcdEventBodies.NewReference();
        var claim = new JsonObject { ["applicantName"] = "Ada Lovelace", ["applicantEmail"] = "ada@example.org" };
        CcdExpect.SubmitAccepted(await ccd.CreateAsync(reference, "create", "Draft", claim), FrClaim, reference);

        var (status, body) = await ccd.UpdateAsync(reference, "submit", "Submitted", version: 1, claim);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Enter the amount claimed and the applicant's email.", body!["errors"]![0]!.GetValue<string>());
        Assert.Equal("Draft", (await ccd.ReadAsync(reference))!["case_details"]!["state"]!.GetValue<string>());
        Assert.Equal(0L, await ScalarAsync(host, "SELECT count(*) FROM claims.submissions WHERE reference = $1", reference));
        Assert.Empty(await host.RunDueJobsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task two_users_adding_notes_from_the_same_version_both_keep_their_note()
    {
        await using var host = await service.StartAsync();
        using var ccd = host.DataStore(FrClaim, "caseworker-1");
        var reference = CcdEventBodies.NewReference();
        var claim = new JsonObject { ["applicantName"] = "Ada Lovelace", ["amount"] = "12000" };
        CcdExpect.SubmitAccepted(await ccd.CreateAsync(reference, "create", "Draft", claim), FrClaim, reference);

        var first = await ccd.UpdateAsync(reference, "addNote", "Draft", version: 1, new JsonObject { ["applicantName"] = "Ada Lovelace", ["amount"] = "12000", ["newNote"] = "Called the applicant." });
        var second = await ccd.UpdateAsync(reference, "addNote", "Draft", version: 1, new JsonObject { ["applicantName"] = "Ada Lovelace", ["amount"] = "12000", ["newNote"] = "Asked for receipts." });

        CcdExpect.SubmitAccepted(first, FrClaim, reference);
        CcdExpect.SubmitAccepted(second, FrClaim, reference);
        var data = (await ccd.ReadAsync(reference))!["case_details"]!["case_data"]!;
        Assert.Equal(["Called the applicant.", "Asked for receipts."], data["notes"]!.AsArray().Select(n => n!["value"]!["text"]!.GetValue<string>()));
        Assert.Equal("Ada Lovelace claims £120.00; 2 note(s)", data["summary"]!.GetValue<string>());
    }

    [Fact]
    public async Task closing_a_claim_publishes_the_applicant_and_the_amount()
    {
        await using var host = await service.StartAsync();
        using var ccd = host.DataStore(FrClaim, "caseworker-1");
        var reference = CcdEventBodies.NewReference();
        var claim = new JsonObject { ["applicantName"] = "Ada Lovelace", ["amount"] = "12000" };
        CcdExpect.SubmitAccepted(await ccd.CreateAsync(reference, "create", "Draft", claim), FrClaim, reference);

        CcdExpect.SubmitAccepted(await ccd.UpdateAsync(reference, "close", "Closed", version: 1, claim), FrClaim, reference);

        var message = JsonNode.Parse((string)(await ScalarAsync(host, "SELECT message_information::text FROM ccd.message_queue_candidates WHERE reference = $1", reference))!)!;
        Assert.Equal("Closed", message["NewStateId"]!.GetValue<string>());
        Assert.Equal("Ada Lovelace", message["AdditionalData"]!["Data"]!["applicantName"]!.GetValue<string>());
    }

    [Fact]
    public async Task starting_a_claim_fills_in_the_users_name()
    {
        await using var host = await service.StartAsync();
        using var ccd = new CcdDataStoreClient(host.CreateClient(CcdTestTokens.User("applicant-1", firstName: "Ada", lastName: "Lovelace"), CcdTestTokens.Service()), FrClaim);

        var (status, body) = await ccd.AboutToStartAsync("create", ccd.CallbackCase(CcdEventBodies.NewReference(), "Draft", []));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Ada Lovelace", body!["data"]!["applicantName"]!.GetValue<string>());
    }

    private static async Task<object?> ScalarAsync(CcdTestHost host, string sql, long reference)
    {
        await using var command = host.Database.CreateCommand(sql);
        command.Parameters.AddWithValue(reference);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}
