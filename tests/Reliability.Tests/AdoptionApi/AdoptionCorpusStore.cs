using System.Net;
using Ccd.Testing;
using static Reliability.Tests.AdoptionApi.AdoptionService;

namespace Reliability.Tests.AdoptionApi;

/// <summary>
/// The store the adoption half of the invalid corpus runs against: one adoption service for the class, seeded through
/// its REST API with a case in BFC (version 1, an active assignment and a document) and a case in MFC. Corpus paths
/// name them by placeholders (<see cref="Resolve"/>); every corpus request must leave the store exactly as it is.
/// </summary>
public sealed class AdoptionCorpusStore : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AdoptionService? _service;

    internal AdoptionService Service => _service ?? throw new InvalidOperationException("Not started.");

    public string CaseId { get; private set; } = "";

    public string OtherCaseId { get; private set; } = "";

    public string AssignmentId { get; private set; } = "";

    public string DocumentId { get; private set; } = "";

    public string CcdReference { get; private set; } = "";

    /// <summary>A well-formed id that names no case, assignment or document.</summary>
    public static readonly string AbsentId = "0195f0c1-0000-7000-8000-0000000000aa";

    public async Task EnsureStartedAsync(PostgresServer postgres)
    {
        await _gate.WaitAsync();
        try
        {
            if (_service is not null)
            {
                return;
            }

            var service = await StartAsync(postgres);
            using var client = service.CreateClient();
            var created = await ExpectAsync(client, HttpStatusCode.Created, Api("POST", "/api/cases",
                """{"courtCode":"BFC","applicantName":"Alex Morgan","applicantEmail":"alex@example.org","childName":"Sam Morgan","childDateOfBirth":"2020-01-02"}"""));
            CaseId = created!["id"]!.GetValue<string>();
            CcdReference = created["ccdReference"]!.GetValue<string>();
            var other = await ExpectAsync(client, HttpStatusCode.Created, Api("POST", "/api/cases", """{"courtCode":"MFC","applicantName":"B","childName":"C"}"""));
            OtherCaseId = other!["id"]!.GetValue<string>();
            var assignment = await ExpectAsync(client, HttpStatusCode.Created, Api("POST", $"/api/cases/{CaseId}/assignments", """{"userId":"sw-1","role":"social-worker"}"""));
            AssignmentId = assignment!["id"]!.GetValue<string>();
            var document = await ExpectAsync(client, HttpStatusCode.Created, Api("POST", $"/api/cases/{CaseId}/documents",
                """{"fileName":"a.pdf","contentType":"application/pdf","sizeBytes":10}"""));
            DocumentId = document!["id"]!.GetValue<string>();
            _service = service;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Replaces the placeholders of a corpus path: <c>{case}</c>, <c>{other}</c>, <c>{assignment}</c>, <c>{document}</c>, <c>{absent}</c>.</summary>
    public string Resolve(string path) => path
        .Replace("{case}", CaseId, StringComparison.Ordinal)
        .Replace("{other}", OtherCaseId, StringComparison.Ordinal)
        .Replace("{assignment}", AssignmentId, StringComparison.Ordinal)
        .Replace("{document}", DocumentId, StringComparison.Ordinal)
        .Replace("{absent}", AbsentId, StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        _gate.Dispose();
    }
}
