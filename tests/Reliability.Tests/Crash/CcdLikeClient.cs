using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Reliability.Tests.Support;

namespace Reliability.Tests.Crash;

/// <summary>
/// Calls the persistence API as CCD's data store does: a submit is sent up to three times in all, with the same
/// Idempotency-Key, when the connection fails or the read times out; a supplementary update is re-sent the same way
/// (CCD sends it without a key). Any answer, even a 5xx, ends the attempts: CCD retries only when it got none.
/// </summary>
internal sealed class CcdLikeClient(Func<Uri> baseAddress, OperationLog log, TimeSpan timeout) : IDisposable
{
    public const int MaxAttempts = 3;

    private static readonly string UserToken = TestTokens.User("crash-user", firstName: "Crash", lastName: "Test");
    private static readonly string ServiceToken = TestTokens.Service();

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) }) { Timeout = timeout };

    public async Task CreateAsync(Operation operation, CancellationToken cancellationToken)
    {
        var body = Bodies.Create(operation.Reference, new JsonObject { ["text"] = $"created {operation.Key}" });
        await RunAsync(operation, "ccd-persistence/cases", body, cancellationToken);
    }

    public async Task NoteAsync(Operation operation, CancellationToken cancellationToken)
    {
        // The additive event only appends its note to the notes CCD read (none here), so it never conflicts and every
        // note the client sends can commit whatever else happened.
        var body = Bodies.Update(operation.Reference, new JsonObject { ["notes"] = new JsonArray($"note {operation.Key}") }, version: 1, eventId: "note");
        await RunAsync(operation, "ccd-persistence/cases", body, cancellationToken);
    }

    public async Task IncrementAsync(Operation operation, CancellationToken cancellationToken)
    {
        var amount = checked((long)Math.Pow(4, operation.Index));
        var body = new JsonObject
        {
            ["supplementary_data_updates"] = new JsonObject { ["$inc"] = new JsonObject { ["sums.total"] = amount, ["sums.count"] = 1 } },
        };
        await RunAsync(operation, $"ccd-persistence/cases/{operation.Reference}/supplementary-data", body, cancellationToken);
    }

    private async Task RunAsync(Operation operation, string path, JsonObject body, CancellationToken cancellationToken)
    {
        log.Operations.Enqueue(operation);
        var json = body.ToJsonString();
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            operation.Attempts = attempt;
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress(), path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", UserToken);
            request.Headers.Add("ServiceAuthorization", ServiceToken);
            if (operation.Key is { } key)
            {
                request.Headers.Add("Idempotency-Key", key.ToString());
            }

            try
            {
                using var response = await _http.SendAsync(request, cancellationToken);
                var status = (int)response.StatusCode;
                operation.LastStatus = status;
                log.Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status >= 500 && response.Headers.RetryAfter is null)
                {
                    log.UnavailableWithoutRetryAfter.Enqueue($"{status} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                }

                operation.Outcome = response.IsSuccessStatusCode ? Outcome.Acknowledged : status < 500 ? Outcome.Refused : Outcome.Unknown;
                return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                log.Statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
                if (attempt < MaxAttempts)
                {
                    // CCD's own back-off between attempts: the service is usually back within it after a crash.
                    await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
                }
            }
        }
    }

    public void Dispose() => _http.Dispose();
}
