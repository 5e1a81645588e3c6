using System.Collections.Concurrent;
using System.Text.Json;
using Ccd.Runtime.CentralCcd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ccd.Testing.FakeCcd;

/// <summary>
/// The S2S provider's <c>POST /lease</c>: <c>{"microservice", "oneTimePassword"}</c> in, the bare JWT out as text,
/// when the password is the service's current TOTP (previous and next step accepted). Leases run on the fake's clock.
/// </summary>
public sealed class FakeS2s
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, string> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Service, DateTimeOffset Expires)> _leased = new(StringComparer.Ordinal);
    private int _leases;

    internal FakeS2s(TimeProvider time) => _time = time;

    /// <summary>How long a leased token is valid (its <c>exp</c>). Default 3 hours.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(3);

    /// <summary>Every token issued so far (for tests that check none leaks into logs).</summary>
    public IReadOnlyList<string> IssuedTokens => [.. _leased.Keys];

    /// <summary>Leases granted so far.</summary>
    public int Leases => _leases;

    /// <summary>Registers a microservice and its base32 secret.</summary>
    public void AddService(string microservice, string base32Secret) => _secrets[microservice] = base32Secret;

    /// <summary>The service of a token that is still valid (with or without <c>Bearer </c>), or null.</summary>
    public string? Validate(string? serviceAuthorization)
    {
        var token = serviceAuthorization is not null && serviceAuthorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? serviceAuthorization[7..] : serviceAuthorization;
        return token is not null && _leased.TryGetValue(token, out var lease) && _time.GetUtcNow() < lease.Expires ? lease.Service : null;
    }

    internal void Map(WebApplication app) => app.MapPost("/lease", async (HttpRequest request) =>
    {
        Dictionary<string, string>? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(request.Body);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        var now = _time.GetUtcNow();
        if (body is null || !body.TryGetValue("microservice", out var service) || !body.TryGetValue("oneTimePassword", out var password)
            || !_secrets.TryGetValue(service, out var secret)
            || !new[] { -30, 0, 30 }.Any(s => OneTimePassword.Compute(secret, now.AddSeconds(s)) == password))
        {
            return Results.Text("Invalid one time password", statusCode: 401);
        }

        Interlocked.Increment(ref _leases);
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { ["sub"] = service, ["jti"] = Guid.NewGuid().ToString() };
        var token = TestTokens.Mint(claims, TestTokens.ServiceAudience, now, now + TokenLifetime);
        _leased[token] = (service, now + TokenLifetime);
        return Results.Text(token, "text/plain");
    });
}
