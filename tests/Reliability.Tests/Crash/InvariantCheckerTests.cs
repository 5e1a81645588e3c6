using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.Crash;

/// <summary>The checker the crash, outage and replica tests rely on finds each kind of broken invariant.</summary>
public sealed class InvariantCheckerTests(PostgresServer postgres)
{
    [Fact]
    public async Task the_invariant_checker_reports_lost_doubled_and_uncovered_work()
    {
        await using var service = await InMemoryService.StartAsync(postgres);
        using var client = service.CreateClient();
        var reference = Refs.Valid(90_001);
        var key = Guid.NewGuid();
        var created = await new RawRequest("POST", "/ccd-persistence/cases", Encoding.UTF8.GetBytes(Bodies.Create(reference, new JsonObject { ["text"] = "t" }).ToJsonString()))
        {
            Headers = [new("Idempotency-Key", key.ToString())],
        }.SendAsync(client, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var log = new OperationLog();
        log.Operations.Enqueue(new Operation(OperationKind.Create, reference, key, 0) { Attempts = 1, Outcome = Outcome.Acknowledged });
        Assert.Empty((await InvariantChecker.CheckAsync(service.DataSource, log)).Violations);

        log.Operations.Enqueue(new Operation(OperationKind.Note, reference, Guid.NewGuid(), 0) { Attempts = 1, Outcome = Outcome.Acknowledged });
        log.Operations.Enqueue(new Operation(OperationKind.Increment, reference, null, 0) { Attempts = 1, Outcome = Outcome.Acknowledged });
        await StoreSeed.ExecuteAsync(service.DataSource, """
            UPDATE ccd.case_data SET supplementary_data = '{"sums":{"total":8,"count":1}}', revision = revision + 1;
            DELETE FROM ccd.es_queue;
            DELETE FROM ccd.message_queue_candidates;
            """);

        var violations = (await InvariantChecker.CheckAsync(service.DataSource, log)).Violations;

        Assert.Contains(violations, v => v.Contains("acknowledged submit", StringComparison.Ordinal) && v.Contains("present 0 times", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("acknowledged increment 0 was not applied", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("increment 1 was never sent", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("search queue does not cover", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("published events without exactly one outbox message", StringComparison.Ordinal));
    }
}
