using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Ccd.Runtime.CentralCcd;

/// <summary>
/// The service's S2S token, leased from the S2S provider with a one-time password from the service's secret and
/// kept until five minutes before its <c>exp</c> (as HMCTS's auto-refreshing generator does).
/// </summary>
internal sealed class S2sServiceToken(IHttpClientFactory clients, IOptions<CentralCcdOptions> options, TimeProvider time) : IDisposable
{
    public const string HttpClientName = "ccd-s2s";

    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    /// <summary>The token as CCD expects it in <c>ServiceAuthorization</c> (<c>Bearer &lt;jwt&gt;</c>).</summary>
    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && time.GetUtcNow() < current.RenewAt)
        {
            return current.Token;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && time.GetUtcNow() < again.RenewAt)
            {
                return again.Token;
            }

            var fetched = await LeaseAsync(cancellationToken);
            _current = fetched;
            return fetched.Token;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Forgets the token (CCD refused it), so the next call leases another.</summary>
    public void Invalidate() => _current = null;

    public void Dispose() => _refresh.Dispose();

    private async Task<(string Token, DateTimeOffset RenewAt)> LeaseAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["microservice"] = settings.S2sMicroservice!,
            ["oneTimePassword"] = OneTimePassword.Compute(settings.S2sSecret!, now),
        });
        using var response = await CentralCcdHttp.SendRawAsync(clients.CreateClient(HttpClientName),
            () => new HttpRequestMessage(HttpMethod.Post, CentralCcdHttp.Url(settings.S2sUrl!, "lease"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            }, "S2S lease", cancellationToken);
        CentralCcdHttp.EnsureSuccess(response, "S2S lease");
        var jwt = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        if (jwt.Length == 0)
        {
            throw new CentralCcdException("S2S lease: answered an empty token", response.StatusCode);
        }

        var expires = Expiry(jwt) ?? now.AddMinutes(10);
        var lifetime = expires - now;
        var renewAt = lifetime > RenewBefore * 2 ? expires - RenewBefore : now + (lifetime / 2);
        return ("Bearer " + jwt, renewAt);
    }

    // Reads exp without validating: the token is CCD's to check, the service only needs to know when to renew it.
    private static DateTimeOffset? Expiry(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length < 2)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var document = JsonDocument.Parse(Convert.FromBase64String(payload));
            return document.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return null;
        }
    }
}
