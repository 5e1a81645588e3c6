using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Ccd.Runtime.CentralCcd;

/// <summary>
/// The system user's IdAM access token (password grant) and IdAM id (<c>/o/userinfo</c> <c>uid</c>), kept until
/// shortly before the token expires and fetched again after that or when CCD refuses it.
/// </summary>
internal sealed class IdamSystemUser(IHttpClientFactory clients, IOptions<CentralCcdOptions> options, TimeProvider time) : IDisposable
{
    public const string HttpClientName = "ccd-idam";

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private SystemUserToken? _current;

    /// <summary>A token valid for a while yet.</summary>
    public async Task<SystemUserToken> GetAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && time.GetUtcNow() < current.RenewAt)
        {
            return current;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            current = _current;
            if (current is not null && time.GetUtcNow() < current.RenewAt)
            {
                return current;
            }

            _current = await FetchAsync(cancellationToken);
            return _current;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Forgets <paramref name="token"/> (CCD answered 401 to it), so the next call fetches another.</summary>
    public void Invalidate(SystemUserToken token) => Interlocked.CompareExchange(ref _current, null, token);

    public void Dispose() => _refresh.Dispose();

    private async Task<SystemUserToken> FetchAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var http = clients.CreateClient(HttpClientName);
        var issuedAt = time.GetUtcNow();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = settings.IdamClientId!,
            ["client_secret"] = settings.IdamClientSecret!,
            ["redirect_uri"] = settings.IdamRedirectUri!,
            ["username"] = settings.SystemUserName!,
            ["password"] = settings.SystemUserPassword!,
            ["scope"] = settings.IdamScope,
        });
        var token = await CentralCcdHttp.SendAsync<TokenResponse>(http, () => new HttpRequestMessage(HttpMethod.Post, CentralCcdHttp.Url(settings.IdamUrl!, "o/token")) { Content = form },
            "IdAM token (password grant) for the system user", cancellationToken);
        if (string.IsNullOrWhiteSpace(token.AccessToken))
        {
            throw new CentralCcdException("IdAM answered the system user's password grant without an access token.");
        }

        var info = await CentralCcdHttp.SendAsync<UserInfoResponse>(http, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, CentralCcdHttp.Url(settings.IdamUrl!, "o/userinfo"));
                request.Headers.Authorization = new("Bearer", token.AccessToken);
                return request;
            }, "IdAM user info of the system user", cancellationToken);
        if (string.IsNullOrWhiteSpace(info.Uid))
        {
            throw new CentralCcdException("IdAM's user info of the system user has no uid.");
        }

        // Renew a minute before expiry (a tenth of the lifetime for short-lived tokens); no expires_in: 5 minutes.
        var lifetime = TimeSpan.FromSeconds(token.ExpiresIn is > 0 ? token.ExpiresIn.Value : 300);
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, lifetime.Ticks / 10));
        return new SystemUserToken(token.AccessToken, info.Uid, issuedAt + lifetime - margin);
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] long? ExpiresIn);

    private sealed record UserInfoResponse([property: JsonPropertyName("uid")] string? Uid);
}

/// <summary>The system user's bearer token and IdAM id. <see cref="ToString"/> never shows the token.</summary>
internal sealed record SystemUserToken(string AccessToken, string Uid, DateTimeOffset RenewAt)
{
    public override string ToString() => $"system user {Uid}";
}
