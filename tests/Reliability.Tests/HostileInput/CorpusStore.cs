using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Reliability.Tests.Support;

namespace Reliability.Tests.HostileInput;

/// <summary>
/// The store the invalid corpus runs against: one service and database for the whole class, seeded with the cases the
/// corpus refers to by fixed references. Every corpus request must leave it exactly as it is.
/// </summary>
public sealed class CorpusStore : IAsyncDisposable
{
    /// <summary>A case at version 2 (created, then updated), internal id <see cref="ExistingInternalId"/>, created under <see cref="ExistingKey"/>.</summary>
    public static readonly long Existing = Refs.Valid(1);

    /// <summary>A case whose supplementary data holds a counter at <see cref="long.MaxValue"/>, a number and a string.</summary>
    public static readonly long Counters = Refs.Valid(2);

    /// <summary>A valid reference that no case has.</summary>
    public static readonly long Absent = Refs.Valid(3);

    /// <summary>The reference invalid creates try to create.</summary>
    public static readonly long Fresh = Refs.Valid(4);

    public const long ExistingInternalId = 5001;

    public static readonly Guid ExistingKey = Guid.Parse("6d2b3c8e-1f5a-4b7c-9d0e-123456789abc");

    private readonly SemaphoreSlim _gate = new(1, 1);
    private InMemoryService? _service;

    internal InMemoryService Service => _service ?? throw new InvalidOperationException("Not started.");

    /// <summary>The id of the counters case's history event (a valid event id of another case).</summary>
    public long CountersEventId { get; private set; }

    public async Task EnsureStartedAsync(PostgresServer postgres)
    {
        await _gate.WaitAsync();
        try
        {
            if (_service is not null)
            {
                return;
            }

            var service = await InMemoryService.StartAsync(postgres);
            using var client = service.CreateClient();
            await Expect(client, HttpStatusCode.Created, Submit(Bodies.Create(Existing, new JsonObject { ["text"] = "seed" }, ExistingInternalId), ExistingKey));
            await Expect(client, HttpStatusCode.Created, Submit(Bodies.Update(Existing, new JsonObject { ["text"] = "seed, updated" }, version: 1), Guid.NewGuid()));
            await Expect(client, HttpStatusCode.Created, Submit(Bodies.Create(Counters, new JsonObject { ["text"] = "counters" }, 5002), Guid.NewGuid()));
            await Expect(client, HttpStatusCode.OK, new RawRequest("POST", $"/ccd-persistence/cases/{Counters}/supplementary-data", Encoding.UTF8.GetBytes(
                """{"supplementary_data_updates":{"$set":{"max":""" + Refs.Text(long.MaxValue) + ""","flat":5,"word":"text","nested":{"n":1}}}}""")));
            var history = await new RawRequest("GET", $"/ccd-persistence/cases/{Counters}/history").SendAsync(client, CancellationToken.None);
            CountersEventId = history.Json[0]!["id"]!.GetValue<long>();
            _service = service;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static RawRequest Submit(JsonObject body, Guid key) =>
        new("POST", "/ccd-persistence/cases", Encoding.UTF8.GetBytes(body.ToJsonString())) { Headers = [new("Idempotency-Key", key.ToString())] };

    private static async Task Expect(HttpClient client, HttpStatusCode status, RawRequest request)
    {
        var reply = await request.SendAsync(client, CancellationToken.None);
        if (reply.Status != status)
        {
            throw new InvalidOperationException($"Seeding failed: {reply}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        _gate.Dispose();
    }
}
