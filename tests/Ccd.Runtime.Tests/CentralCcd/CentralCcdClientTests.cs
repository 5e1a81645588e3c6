using System.Collections.Concurrent;
using Ccd.Runtime.CentralCcd;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Tests.Retention;
using Ccd.Testing;
using Ccd.Testing.FakeCcd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.CentralCcd;

/// <summary>The CCD client's tokens and settings, against the fakes of IdAM and S2S.</summary>
public sealed class CentralCcdClientTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void the_one_time_password_is_rfc_6238_totp_with_six_digits()
    {
        // RFC 6238 appendix B: the ASCII secret "12345678901234567890" (base32 below), SHA-1, T = 59 s → 94287082.
        const string secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

        Assert.Equal("287082", OneTimePassword.Compute(secret, DateTimeOffset.FromUnixTimeSeconds(59)));
        Assert.Equal("081804", OneTimePassword.Compute(secret, DateTimeOffset.FromUnixTimeSeconds(1111111109)));
        Assert.Equal("279037", OneTimePassword.Compute(secret, DateTimeOffset.FromUnixTimeSeconds(2000000000)));
    }

    [Fact]
    public async Task tokens_are_reused_until_shortly_before_they_expire_then_renewed()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 5, 10, 0, 0, TimeSpan.Zero));
        await using var ccd = await FakeCcd.StartAsync(time);
        ccd.Idam.TokenLifetime = TimeSpan.FromHours(1);
        ccd.S2s.TokenLifetime = TimeSpan.FromHours(3);
        await using var services = Services(ccd.Configuration, time);
        var user = services.GetRequiredService<IdamSystemUser>();
        var s2s = services.GetRequiredService<S2sServiceToken>();

        var first = await user.GetAsync(Ct);
        var service = await s2s.GetAsync(Ct);
        time.Advance(TimeSpan.FromMinutes(58));
        Assert.Same(first, await user.GetAsync(Ct));
        Assert.Equal(service, await s2s.GetAsync(Ct));
        Assert.Equal((1, 1), (ccd.Idam.Grants, ccd.S2s.Leases));

        time.Advance(TimeSpan.FromMinutes(1.5)); // within the last minute of the IdAM token
        var renewed = await user.GetAsync(Ct);
        Assert.NotEqual(first.AccessToken, renewed.AccessToken);
        Assert.Equal(FakeCcd.SystemUserId, renewed.Uid);
        Assert.StartsWith("Bearer ", service, StringComparison.Ordinal);
        time.Advance(TimeSpan.FromHours(2.5)); // within five minutes of the S2S token's exp
        Assert.NotEqual(service, await s2s.GetAsync(Ct));
        Assert.Equal((2, 2), (ccd.Idam.Grants, ccd.S2s.Leases));
    }

    [Fact]
    public async Task a_wrong_password_or_secret_fails_naming_the_call_and_never_the_secret()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 5, 10, 0, 0, TimeSpan.Zero));
        await using var ccd = await FakeCcd.StartAsync(time);
        var settings = ccd.Configuration;
        settings["Ccd:CentralCcd:SystemUserPassword"] = "not-the-password-123";
        settings["Ccd:CentralCcd:S2sSecret"] = "ZZZZZZZZZZZZZZZZ";
        await using var services = Services(settings, time);

        var user = await Assert.ThrowsAsync<CentralCcdException>(() => services.GetRequiredService<IdamSystemUser>().GetAsync(Ct));
        var s2s = await Assert.ThrowsAsync<CentralCcdException>(() => services.GetRequiredService<S2sServiceToken>().GetAsync(Ct));

        Assert.Equal("IdAM token (password grant) for the system user: answered 401 Unauthorized", user.Message);
        Assert.Equal("S2S lease: answered 401 Unauthorized", s2s.Message);
    }

    [Fact]
    public void every_missing_or_invalid_setting_is_named_by_its_key()
    {
        var complete = new Dictionary<string, string?>
        {
            ["DataStoreUrl"] = "http://ccd", ["IdamUrl"] = "http://idam", ["S2sUrl"] = "http://s2s", ["IdamRedirectUri"] = "https://service/cb",
            ["IdamClientId"] = "c", ["IdamClientSecret"] = "s", ["SystemUserName"] = "u", ["SystemUserPassword"] = "p",
            ["S2sMicroservice"] = "m", ["S2sSecret"] = "AAAAAAAABBBBBBBB",
        };
        Assert.Null(Bind(complete).Problem());
        Assert.Equal("Ccd:CentralCcd:DataStoreUrl is not set (the CCD client is off)", Bind([]).Problem());
        foreach (var key in complete.Keys.Where(k => k != "DataStoreUrl"))
        {
            Assert.Equal($"Ccd:CentralCcd:{key} is not set", Bind(new Dictionary<string, string?>(complete) { [key] = " " }).Problem());
        }

        Assert.Equal("Ccd:CentralCcd:IdamUrl is not an absolute http(s) address", Bind(new Dictionary<string, string?>(complete) { ["IdamUrl"] = "idam:8080" }).Problem());
        Assert.Equal("Ccd:CentralCcd:S2sSecret is not a base32 secret", Bind(new Dictionary<string, string?>(complete) { ["S2sSecret"] = "not base32!" }).Problem());
        Assert.Equal("Ccd:CentralCcd:Retries must be between 0 and 10", Bind(new Dictionary<string, string?>(complete) { ["Retries"] = "11" }).Problem());
    }

    [Fact]
    public async Task nothing_a_retention_run_logs_is_a_token_a_password_a_secret_or_case_data()
    {
        var logs = new CapturedLogs();
        await using var world = await RetentionWorld.StartAsync(postgres, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:Console:LogLevel:Default"] = "Warning" }, logging: logs);
        var named = await world.CreateCaseAsync();
        var faulted = 0;
        world.Ccd.DataStore.Faults = r => r.Method == "POST" && Interlocked.Exchange(ref faulted, 1) == 0 ? System.Net.HttpStatusCode.BadGateway : null;

        var report = await world.RunAsync([new NamedCasesPolicy(named)]);

        Assert.Empty(report.Failures); // the 502 was retried
        Assert.NotEmpty(logs.Messages);
        var secrets = world.Ccd.Idam.IssuedTokens.Concat(world.Ccd.S2s.IssuedTokens)
            .Concat(world.Ccd.Configuration.Where(c => c.Key.EndsWith("Password", StringComparison.Ordinal) || c.Key.EndsWith("Secret", StringComparison.Ordinal)).Select(c => c.Value!))
            .Append($"note of {named}")
            .ToList();
        Assert.True(secrets.Count >= 6);
        foreach (var message in logs.Messages)
        {
            Assert.DoesNotContain(secrets, secret => message.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static CentralCcdOptions Bind(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => "Ccd:CentralCcd:" + v.Key, v => v.Value)).Build()
            .GetSection(CentralCcdOptions.SectionName).Get<CentralCcdOptions>() ?? new CentralCcdOptions();

    private static ServiceProvider Services(Dictionary<string, string?> settings, TimeProvider time)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(time);
        services.AddCentralCcd(configuration);
        return services.BuildServiceProvider();
    }
}

/// <summary>Every log message (formatted, with its exception) written through the host's logging.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => _messages.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._messages.Enqueue(formatter(state, exception) + " " + exception + " " + state);
    }
}
