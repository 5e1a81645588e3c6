using System.Net;
using System.Net.Http.Json;
using Ccd.Runtime.Authentication;
using Ccd.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.Authentication;

/// <summary>Names missing from the token come from the identity provider's userinfo endpoint, cached per user.</summary>
public sealed class UserInfoTests(PostgresServer postgres) : IAsyncLifetime
{
    private FakeIdentityProvider _provider = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _provider = await FakeIdentityProvider.StartAsync();

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    private Task<TestServiceApp> StartAsync() =>
        AuthProbeHost.StartAsync(postgres, new Dictionary<string, string?> { ["Ccd:Auth:UserInfoUrl"] = _provider.BaseAddress + "o/userinfo" });

    [Fact]
    public async Task names_missing_from_the_token_come_from_userinfo_once_per_user()
    {
        await using var app = await StartAsync();
        _provider.Names["u-1"] = ("Ada", "Lovelace");
        _provider.Names["u-2"] = ("Alan", "Turing");

        var first = await app.CreateClient(TestTokens.User("u-1"), null).GetFromJsonAsync<CcdUser>(AuthProbeHost.UserPath, Cancel);
        var again = await app.CreateClient(TestTokens.User("u-1"), null).GetFromJsonAsync<CcdUser>(AuthProbeHost.UserPath, Cancel);
        var other = await app.CreateClient(TestTokens.User("u-2"), null).GetFromJsonAsync<CcdUser>(AuthProbeHost.UserPath, Cancel);

        Assert.Equal(("Ada", "Lovelace"), (first!.FirstName, first.LastName));
        Assert.Equal(("Ada", "Lovelace"), (again!.FirstName, again.LastName));
        Assert.Equal(("Alan", "Turing"), (other!.FirstName, other.LastName));
        Assert.Equal(2, _provider.UserInfoCalls);
    }

    [Fact]
    public async Task names_in_the_token_win_and_userinfo_is_not_called()
    {
        await using var app = await StartAsync();
        _provider.Names["u-1"] = ("Other", "Name");

        var user = await app.CreateClient(TestTokens.User("u-1", firstName: "Ada", lastName: "Lovelace"), null).GetFromJsonAsync<CcdUser>(AuthProbeHost.UserPath, Cancel);

        Assert.Equal(("Ada", "Lovelace"), (user!.FirstName, user.LastName));
        Assert.Equal(0, _provider.UserInfoCalls);
    }

    [Fact]
    public async Task a_userinfo_outage_is_503_and_is_not_cached()
    {
        await using var app = await StartAsync();
        _provider.Names["u-1"] = ("Ada", "Lovelace");
        _provider.FailWith = 503;

        using var failed = await app.CreateClient(TestTokens.User("u-1"), null).GetAsync(AuthProbeHost.UserPath, Cancel);
        _provider.FailWith = null;
        var recovered = await app.CreateClient(TestTokens.User("u-1"), null).GetFromJsonAsync<CcdUser>(AuthProbeHost.UserPath, Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("urn:ccd:problem:identity-provider-unavailable", (await failed.Content.ReadFromJsonAsync<ProblemBody>(Cancel))!.Type);
        Assert.Equal("Ada", recovered!.FirstName);
    }
}
