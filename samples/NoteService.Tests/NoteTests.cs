using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(NoteService.Tests.Database))]

namespace NoteService.Tests;

/// <summary>One throwaway PostgreSQL server for the test run; a database per test.</summary>
public sealed class Database : IAsyncLifetime
{
    public CcdTestDatabase Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await CcdTestDatabase.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The sample service tested as CCD's data store will call it, with the Ccd.Runtime.Testing package.</summary>
public sealed class NoteTests(Database database)
{
    private static readonly CcdCaseType Notes = new("FT_Note", "TEST");

    private async Task<CcdTestHost> StartAsync() => await CcdTestHost.StartAsync(NoteHost.Definition, await database.Server.CreateDatabaseAsync());

    [Fact]
    public async Task a_create_is_accepted_by_ccd_and_a_replay_answers_the_same_bytes()
    {
        await using var host = await StartAsync();
        using var ccd = host.DataStore(Notes, "writer-1");
        var reference = CcdEventBodies.NewReference();
        var key = Guid.NewGuid();

        var first = await ccd.CreateAsync(reference, "create", "Draft", new JsonObject { ["title"] = "Groceries" }, new CcdSubmitOptions { IdempotencyKey = key });
        var replay = await ccd.CreateAsync(reference, "create", "Draft", new JsonObject { ["title"] = "Groceries" }, new CcdSubmitOptions { IdempotencyKey = key });

        Assert.Equal(HttpStatusCode.Created, first.Status);
        CcdExpect.SubmitAccepted(first, Notes, reference);
        CcdExpect.SameAnswer(first, replay);
        Assert.True(first.Body?["case_details"]?["after_submit_callback_response"]?["confirmation_header"]?.GetValue<string>() == "# Note saved", first.Text);
        var read = await ccd.ReadAsync(reference);
        CcdExpect.CaseReadable(read, Notes, reference);
        Assert.True(read!["case_details"]!["case_data"]!["title"]?.GetValue<string>() == "Groceries", read.ToJsonString());
    }

    [Fact]
    public async Task concurrent_duplicates_of_a_create_end_as_one_event()
    {
        await using var host = await StartAsync();
        using var ccd = host.DataStore(Notes, "writer-1");
        var reference = CcdEventBodies.NewReference();
        var body = CcdEventBodies.Create(Notes, reference, "create", "Draft", new JsonObject { ["title"] = "Race" });

        var answers = await ccd.SubmitConcurrentlyAsync(body, Guid.NewGuid(), copies: 10);

        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.All(answers, a => CcdExpect.SameAnswer(answers[0], a));
        var history = await ccd.HistoryAsync(reference);
        CcdExpect.HistoryReadable(history, Notes, reference);
        Assert.Single(history);
    }

    [Fact]
    public async Task an_update_started_before_another_change_is_a_conflict()
    {
        await using var host = await StartAsync();
        using var ccd = host.DataStore(Notes, "writer-1");
        var reference = CcdEventBodies.NewReference();
        CcdExpect.SubmitAccepted(await ccd.CreateAsync(reference, "create", "Draft", new JsonObject { ["title"] = "Plan" }), Notes, reference);
        var version = (await ccd.ReadAsync(reference))!["case_details"]!["version"]!.GetValue<int>();

        var edited = await ccd.UpdateAsync(reference, "edit", "Draft", version, new JsonObject { ["title"] = "Plan", ["body"] = "Step one" });
        var stale = await ccd.UpdateAsync(reference, "publish", "Published", version, new JsonObject { ["title"] = "Plan" });

        CcdExpect.SubmitAccepted(edited, Notes, reference);
        CcdExpect.Conflict(stale);
        Assert.Equal(["edit", "create"], (await ccd.HistoryAsync(reference)).Select(e => e!["event"]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task a_note_without_a_title_is_refused_with_an_error_ccd_shows_and_nothing_is_written()
    {
        await using var host = await StartAsync();
        using var ccd = host.DataStore(Notes, "writer-1");
        var reference = CcdEventBodies.NewReference();

        var (status, body) = await ccd.CreateAsync(reference, "create", "Draft", new JsonObject { ["body"] = "no title" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Give the note a title.", body!["errors"]![0]!.GetValue<string>());
        Assert.Null(await ccd.ReadAsync(reference));
    }

    [Fact]
    public async Task the_about_to_start_callback_suggests_a_title()
    {
        await using var host = await StartAsync();
        using var ccd = host.DataStore(Notes, "writer-7");

        var (status, body) = await ccd.AboutToStartAsync("create", ccd.CallbackCase(CcdEventBodies.NewReference(), "Draft", []));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Note by writer-7", body!["data"]!["title"]!.GetValue<string>());
    }
}
