using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing.FakeElasticsearch;
using Xunit;

namespace Ccd.Runtime.Testing.Tests;

/// <summary>The harness package: tokens the host accepts, waiting for the search queue and the outbox to drain, and CCD's view of an answer.</summary>
public sealed class HarnessTests(HarnessFixture fixture)
{
    private static readonly CcdCaseType Blob = HarnessFixture.Blob;

    [Fact]
    public async Task the_harness_tokens_are_accepted_and_a_call_without_them_is_refused()
    {
        await using var host = await CcdTestHost.StartAsync(HarnessFixture.Service, await fixture.Database.CreateDatabaseAsync(), HarnessFixture.BlobConfiguration());
        using var ccd = host.DataStore(Blob, "officer-1");
        using var anonymous = host.CreateClient();

        var reference = CcdEventBodies.NewReference();
        var created = await ccd.CreateAsync(reference, "create", "Open", new JsonObject { ["note"] = "hello" });
        using var refused = await anonymous.GetAsync(new Uri($"/ccd-persistence/cases?case-refs={reference}", UriKind.Relative), TestContext.Current.CancellationToken);

        CcdExpect.SubmitAccepted(created, Blob, reference);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("officer-1", (await ccd.HistoryAsync(reference))[0]!["event"]!["user_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task waiting_for_the_search_queue_returns_once_elasticsearch_has_every_case()
    {
        await using var elasticsearch = await FakeElasticsearch.StartAsync();
        var configuration = HarnessFixture.BlobConfiguration();
        configuration["Ccd:Elasticsearch:Url"] = elasticsearch.Url.ToString();
        await using var host = await CcdTestHost.StartAsync(HarnessFixture.Service, await fixture.Database.CreateDatabaseAsync(), configuration);
        using var ccd = host.DataStore(Blob);
        var references = Enumerable.Range(0, 3).Select(_ => CcdEventBodies.NewReference()).ToList();
        foreach (var reference in references)
        {
            CcdExpect.SubmitAccepted(await ccd.CreateAsync(reference, "create", "Open", new JsonObject { ["note"] = "indexed" }), Blob, reference);
        }

        await host.WaitForSearchQueueDrainedAsync(cancellationToken: TestContext.Current.CancellationToken);

        // The search document id is CCD's internal id of the case, which the harness sent on each create.
        var indexed = elasticsearch.Items.Where(item => item.Status is >= 200 and < 300).Select(item => item.Id).Distinct(StringComparer.Ordinal).Count();
        Assert.Equal(references.Count, indexed);
    }

    [Fact]
    public async Task waiting_for_the_outbox_returns_once_the_broker_took_every_message()
    {
        var configuration = HarnessFixture.BlobConfiguration();
        configuration["Ccd:Publishing:Address"] = fixture.Broker.Url;
        configuration["Ccd:Publishing:Entity"] = fixture.Broker.NextQueue();
        await using var host = await CcdTestHost.StartAsync(HarnessFixture.Service, await fixture.Database.CreateDatabaseAsync(), configuration);
        using var ccd = host.DataStore(Blob);
        var reference = CcdEventBodies.NewReference();
        CcdExpect.SubmitAccepted(await ccd.CreateAsync(reference, "create", "Open", new JsonObject { ["note"] = "published" }), Blob, reference);

        await host.WaitForOutboxDrainedAsync(cancellationToken: TestContext.Current.CancellationToken);

        await using var published = host.Database.CreateCommand("SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NOT NULL");
        Assert.Equal(1L, await published.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task draining_a_queue_no_worker_drains_is_refused_at_once_naming_the_setting()
    {
        // No Elasticsearch and no broker configured: nothing would ever take the case's rows.
        await using var host = await CcdTestHost.StartAsync(HarnessFixture.Service, await fixture.Database.CreateDatabaseAsync(), HarnessFixture.BlobConfiguration());
        using var ccd = host.DataStore(Blob);
        await ccd.CreateAsync(CcdEventBodies.NewReference(), "create", "Open", new JsonObject { ["note"] = "stays queued" });

        var search = await Assert.ThrowsAsync<InvalidOperationException>(() => host.WaitForSearchQueueDrainedAsync(cancellationToken: TestContext.Current.CancellationToken));
        var outbox = await Assert.ThrowsAsync<InvalidOperationException>(() => host.WaitForOutboxDrainedAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith("Search indexing is off (Ccd:Elasticsearch:Url is not set)", search.Message, StringComparison.Ordinal);
        Assert.StartsWith("Publishing is off (Ccd:Publishing:Address is not set)", outbox.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_drain_whose_last_message_another_publisher_holds_waits_for_that_publishers_batch_and_times_out_naming_what_is_left()
    {
        var configuration = HarnessFixture.BlobConfiguration();
        configuration["Ccd:Publishing:Address"] = fixture.Broker.Url;
        configuration["Ccd:Publishing:Entity"] = fixture.Broker.NextQueue();
        // On a clock that stands still the hosted publisher, after its first look at the empty outbox, sleeps for good.
        await using var host = await CcdTestHost.StartAsync(HarnessFixture.Service, await fixture.Database.CreateDatabaseAsync(), configuration,
            time: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.Zero)));
        using var ccd = host.DataStore(Blob);
        var token = TestContext.Current.CancellationToken;
        // "Another publisher": a transaction holding the case's message row, as a publisher's batch does while it sends.
        await using var other = await host.Database.OpenConnectionAsync(token);
        await using var holding = await other.BeginTransactionAsync(token);
        var reference = CcdEventBodies.NewReference();
        CcdExpect.SubmitAccepted(await ccd.CreateAsync(reference, "create", "Open", new JsonObject { ["note"] = "held" }), Blob, reference);
        await using (var hold = new Npgsql.NpgsqlCommand("SELECT id FROM ccd.message_queue_candidates WHERE published IS NULL FOR UPDATE", other, holding))
        {
            // Only if the hosted publisher's first look came after the commit has it sent the message already.
            if (await hold.ExecuteScalarAsync(token) is null)
            {
                await host.WaitForOutboxDrainedAsync(cancellationToken: token);
                return;
            }
        }

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => host.WaitForOutboxDrainedAsync(TimeSpan.FromMilliseconds(500), token));
        // Waiting again, the drain returns when the other publisher's batch ends: here the hosted one's, once its
        // poll (1 s on the fake clock) comes round after the holder let go. Nothing but that batch's end wakes it.
        var drain = host.WaitForOutboxDrainedAsync(cancellationToken: token);
        await holding.RollbackAsync(token);
        host.AdvanceTime(TimeSpan.FromSeconds(1));
        await drain;

        Assert.Equal("Waited in vain for the outbox to drain: 1 left, held by another loop.", timeout.Message);
        await using var published = host.Database.CreateCommand("SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NOT NULL");
        Assert.Equal(1L, await published.ExecuteScalarAsync(token));
    }

    [Fact]
    public void ccd_expect_names_every_rule_a_wrong_submit_answer_breaks()
    {
        const long reference = 1234567890123452;
        var wrong = new CcdAnswer(HttpStatusCode.Created, """
            {"case_details":{"id":1234567890123452,"jurisdiction":"TEST","case_type_id":"FT_Blob","state":"Open","version":1,
            "security_classification":"PUBLIC","case_data":{},"created_date":"2026-03-05T12:34:56.789+01:00","extra":1},
            "errors":[],"warnings":[],"ignore_warning":false}
            """);

        var failure = Assert.Throws<CcdExpectationException>(() => CcdExpect.SubmitAccepted(wrong, Blob, reference));

        Assert.Contains("[revision]", failure.Message, StringComparison.Ordinal);
        Assert.Contains("[dates] case_details.created_date", failure.Message, StringComparison.Ordinal);
        Assert.Contains("[unknown-fields] case_details has unknown field \"extra\"", failure.Message, StringComparison.Ordinal);
        Assert.Throws<CcdExpectationException>(() => CcdExpect.SubmitAccepted(wrong, Blob with { Jurisdiction = "OTHER" }, reference));
        Assert.Throws<CcdExpectationException>(() => CcdExpect.Conflict(wrong));
    }
}
