using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.Database;
using Ccd.Testing;
using Npgsql;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

public sealed class SignificantItemTests(PostgresServer postgres)
{
    [Fact]
    public async Task the_database_refuses_a_second_significant_item_on_one_event()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var reply = await ccd.SubmitAsync(Payloads.Create(reference, TestService.TypedType, "create", new JsonObject { ["title"] = "t", ["behaviour"] = "item" }));
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_event_significant_items"));

        await using var second = service.DataSource.CreateCommand("""
            INSERT INTO ccd.case_event_significant_items (case_event_id, type, description, url)
            SELECT id, 'DOCUMENT', 'Another', 'https://docs.example/2' FROM ccd.case_event WHERE case_reference = @r
            """);
        second.Parameters.AddWithValue("r", reference);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => second.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));

        Assert.True(DatabaseErrors.IsUniqueViolation(refused, "case_event_significant_items_one_per_event"), refused.Message);
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_event_significant_items"));
    }
}
