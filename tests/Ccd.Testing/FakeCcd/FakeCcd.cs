using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Ccd.Testing.FakeCcd;

/// <summary>
/// Central CCD as a decentralised service calls it back: <see cref="DataStore"/>, <see cref="Idam"/> and
/// <see cref="S2s"/> on one Kestrel loopback port (each under its real paths), on the test's clock.
/// <see cref="Configuration"/> gives the service's <c>Ccd:CentralCcd</c> settings for a system user and a
/// microservice the fake knows.
/// </summary>
public sealed class FakeCcd : IAsyncDisposable
{
    /// <summary>The system user's name.</summary>
    public const string SystemUser = "system.update@hmcts.net";

    /// <summary>The system user's IdAM id.</summary>
    public const string SystemUserId = "system-user-1";

    /// <summary>The service's S2S name.</summary>
    public const string Microservice = "ccd_test_service";

    // Test-only credentials, never configured anywhere else.
    private const string SystemUserPassword = "system-user-password-for-tests";
    private const string S2sSecret = "AAAAAAAABBBBBBBBCCCCCCCCDDDDDDDD";

    private readonly WebApplication _app;
    private int _disposed;

    private FakeCcd(WebApplication app, TimeProvider time)
    {
        _app = app;
        Idam = new FakeIdam(time);
        S2s = new FakeS2s(time);
        DataStore = new FakeCcdDataStore(time, Idam, S2s);
        Idam.AddUser(SystemUser, SystemUserPassword, SystemUserId, "caseworker", "caseworker-adoption-systemupdate");
        S2s.AddService(Microservice, S2sSecret);
    }

    /// <summary>The base address of all three.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>CCD's data store.</summary>
    public FakeCcdDataStore DataStore { get; }

    /// <summary>The identity provider.</summary>
    public FakeIdam Idam { get; }

    /// <summary>The S2S provider.</summary>
    public FakeS2s S2s { get; }

    /// <summary>The service's <c>Ccd:CentralCcd</c> settings pointing at this fake.</summary>
    public Dictionary<string, string?> Configuration => new()
    {
        ["Ccd:CentralCcd:DataStoreUrl"] = Url.ToString(),
        ["Ccd:CentralCcd:IdamUrl"] = Url.ToString(),
        ["Ccd:CentralCcd:S2sUrl"] = Url.ToString(),
        ["Ccd:CentralCcd:IdamClientId"] = Idam.ClientId,
        ["Ccd:CentralCcd:IdamClientSecret"] = Idam.ClientSecret,
        ["Ccd:CentralCcd:IdamRedirectUri"] = Idam.RedirectUri,
        ["Ccd:CentralCcd:SystemUserName"] = SystemUser,
        ["Ccd:CentralCcd:SystemUserPassword"] = SystemUserPassword,
        ["Ccd:CentralCcd:S2sMicroservice"] = Microservice,
        ["Ccd:CentralCcd:S2sSecret"] = S2sSecret,
    };

    /// <summary>Starts the fake on a free loopback port; leases and token lifetimes follow <paramref name="time"/>.</summary>
    public static async Task<FakeCcd> StartAsync(TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeCcd(app, time ?? TimeProvider.System);
        fake.Idam.Map(app);
        fake.S2s.Map(app);
        fake.DataStore.Map(app);
        await app.StartAsync();
        fake.Url = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return fake;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
