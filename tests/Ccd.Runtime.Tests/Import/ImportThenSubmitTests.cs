using Ccd.Runtime.Commands;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Import;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;
using Ccd.Runtime.Testing;
using Ccd.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.Import;

/// <summary>
/// The first events CCD sends to the service after cutover, on imported cases: each raises the revision by exactly
/// one, above the version CCD's pointer holds (CCD only takes a revision greater than it), and the optimistic
/// lock on <c>case_details.version</c> works on the imported version as on any other.
/// </summary>
public sealed class ImportThenSubmitTests(PostgresServer postgres)
{
    private const int EventsPerCase = 4;

    // The case types import copied, declared for the service in configuration only (blob cases, no handler).
    private static Dictionary<string, string?> CaseTypes() => new()
    {
        ["Ccd:CaseTypes:0:Id"] = "A58",
        ["Ccd:CaseTypes:0:Jurisdiction"] = "ADOPTION",
        ["Ccd:CaseTypes:0:Events:0:Id"] = "updateCase",
        ["Ccd:CaseTypes:1:Id"] = "B1",
        ["Ccd:CaseTypes:1:Jurisdiction"] = "ADOPTION",
        ["Ccd:CaseTypes:1:Events:0:Id"] = "updateCase",
    };

    // Generated case, what it is, and its revision after import: max(its event count, its CCD version).
    public static TheoryData<int, string, int> Cases => new()
    {
        { 1, "A58 changed in CCD after the preload (7 events after three at cutover, CCD version 5)", 7 },
        { 3, "A58 whose CCD version (2) is below its event count (4)", 4 },
        { 7, "A58 whose CCD version (9) is above its event count (4)", 9 },
        { 8, "B1 whose CCD version (3) is its event count (4) less one, as CCD counts from 0", 4 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task the_next_event_after_import_and_cutover_raises_the_revision_by_exactly_one_and_the_version_check_holds(int n, string what, int importedRevision)
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 20, eventsPerCase: EventsPerCase);
        await fixture.ImportAsync(ImportPhase.Preload);
        var reference = CcdSourceDatabase.Reference(n);
        for (var i = 0; i < 3; i++)
        {
            await CcdSourceDatabase.AddEventAsync(fixture.SourceConnection, CcdSourceDatabase.Reference(1), $"late {i}");
        }

        await fixture.ImportAsync(ImportPhase.Cutover);
        var ccdVersion = await ImportFixture.ScalarAsync<int>(fixture.Source, $"SELECT version FROM case_data WHERE reference = {reference}");
        var historyCount = await ImportFixture.ScalarAsync<long>(fixture.Target, $"SELECT count(*) FROM ccd.case_event WHERE case_reference = {reference}");
        var lastImportedEvent = await ImportFixture.ScalarAsync<long>(fixture.Source, "SELECT max(id) FROM case_event");

        await using var app = await TestServiceApp.StartAsync(new CcdServiceDefinition
        {
            ConfigureServices = builder => builder.AddCcdRuntime(),
            ConfigureApp = web => web.MapCcdPersistence(),
        }, fixture.TargetConnection, CaseTypes());
        using var ccd = new CcdDataStoreClient(app.CreateCcdClient());
        var read = (await ccd.ReadAsync(reference))!;
        var revision = read["revision"]!.GetValue<int>();
        var details = read["case_details"]!.AsObject();
        var version = details["version"]!.GetValue<int>();

        // As imported: the revision is at least the history count and at least CCD's version, the version CCD's.
        Assert.True(revision == importedRevision && revision >= historyCount && revision >= ccdVersion,
            $"{what}: revision {revision}, {historyCount} events, CCD version {ccdVersion}");
        Assert.Equal(ccdVersion, version);

        var changed = details["case_data"]!.AsObject().DeepClone().AsObject();
        changed["afterImport"] = true;
        var submitted = await ccd.SubmitAsync(Update(details, changed, version, CcdSourceDatabase.InternalId(n)));

        Assert.Equal(HttpStatusCode.Created, submitted.Status);
        Assert.Equal(revision + 1, submitted.Json["revision"]!.GetValue<int>());
        Assert.True(revision + 1 > ccdVersion, "CCD's pointer only takes a revision above the version it holds");
        Assert.Equal(version + 1, submitted.Json["case_details"]!["version"]!.GetValue<int>());
        var history = (await ccd.GetAsync($"/ccd-persistence/cases/{reference}/history")).Json.AsArray();
        Assert.Equal(historyCount + 1, history.Count);
        Assert.True(history[0]!["id"]!.GetValue<long>() > lastImportedEvent, "the store's history ids continue after CCD's");

        // A user who started the event before that change holds the imported version: a change from them conflicts.
        changed["afterImport"] = "stale";
        var stale = await ccd.SubmitAsync(Update(details, changed, version, CcdSourceDatabase.InternalId(n)));
        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal(revision + 1, (await ccd.ReadAsync(reference))!["revision"]!.GetValue<int>());
    }

    private static JsonObject Update(JsonObject details, JsonObject data, int version, long internalId)
    {
        var proposed = details.DeepClone().AsObject();
        proposed["case_data"] = data.DeepClone();
        proposed["version"] = version;
        var caseType = new CcdCaseType(details["case_type_id"]!.GetValue<string>(), details["jurisdiction"]!.GetValue<string>());
        return CcdEventBodies.Submit(caseType, details.DeepClone().AsObject(), proposed, "updateCase",
            new CcdSubmitOptions { EventName = "Update case", InternalCaseId = internalId });
    }
}
