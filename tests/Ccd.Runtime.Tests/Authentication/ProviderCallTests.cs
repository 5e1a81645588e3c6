using System.Collections.Concurrent;
using System.Net;
using Ccd.Runtime.Authentication;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.Authentication;

/// <summary>
/// DEV: what the identity and S2S providers are asked, counted by the fake providers over real HTTP, with the
/// service's clock moved by hand: the S2S provider only for a verified user, its answers and refusals cached; an
/// unknown signing key id fetching the keys at once but rate-limited; several audiences; no secret in any log line.
/// </summary>
public sealed class ProviderCallTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Audience = "ccd-adoption-api";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CapturingLogs _logs = new();
    private FakeIdentityProvider _provider = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _provider = await FakeIdentityProvider.StartAsync();

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    private async Task<TestServiceApp> StartDevAsync(IDictionary<string, string?>? extra = null, string? database = null)
    {
        database ??= await postgres.CreateDatabaseAsync();
        var configuration = new Dictionary<string, string?>
        {
            ["APP_ENV"] = "DEV",
            ["DEV_DATABASE_URL"] = database,
            ["Ccd:Auth:SigningKey"] = null,
            ["Ccd:Auth:Authority"] = _provider.Issuer,
            ["Ccd:Auth:RequireHttpsMetadata"] = "false",
            ["Ccd:Auth:Audience"] = Audience,
            ["Ccd:Auth:S2sUrl"] = _provider.BaseAddress + "s2s",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        return await TestServiceApp.StartAsync(AuthProbeHost.Definition, database, configuration, services =>
        {
            services.AddSingleton<TimeProvider>(_time);
            services.AddSingleton<ILoggerProvider>(_logs);
        });
    }

    private string KnownService(string name)
    {
        var token = $"s2s-{name}-{Guid.NewGuid():N}";
        _provider.Services[token] = name;
        return token;
    }

    private static async Task<HttpStatusCode[]> GetManyAsync(HttpClient client, int count)
    {
        var statuses = new HttpStatusCode[count];
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync(AuthProbeHost.PersistencePath, Cancel);
            statuses[i] = response.StatusCode;
        }

        return statuses;
    }

    [Fact]
    public async Task requests_without_a_verified_user_never_ask_the_s2s_provider()
    {
        await using var app = await StartDevAsync();
        var service = KnownService("ccd_data");
        using var anonymous = app.CreateClient(userToken: null, service);
        using var badUser = app.CreateClient(_provider.UserToken("idam-1", "another-audience"), service);

        var statuses = (await GetManyAsync(anonymous, 100)).Concat(await GetManyAsync(badUser, 100));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(0, _provider.DetailsCalls);
    }

    [Fact]
    public async Task one_valid_pair_asks_the_s2s_provider_once_within_the_cache_time_and_again_after_it()
    {
        await using var app = await StartDevAsync();
        using var client = app.CreateClient(_provider.UserToken("idam-2", Audience), KnownService("ccd_data"));

        Assert.All(await GetManyAsync(client, 100), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(1, _provider.DetailsCalls);

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HttpStatusCode.OK, (await GetManyAsync(client, 1))[0]);
        Assert.Equal(1, _provider.DetailsCalls);

        _time.Advance(TimeSpan.FromSeconds(2)); // past the default 60 s
        Assert.All(await GetManyAsync(client, 10), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(2, _provider.DetailsCalls);
    }

    [Fact]
    public async Task a_refused_service_token_is_cached_too()
    {
        await using var app = await StartDevAsync();
        using var client = app.CreateClient(_provider.UserToken("idam-3", Audience), "not-a-known-s2s-token");

        Assert.All(await GetManyAsync(client, 100), status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(1, _provider.DetailsCalls);

        _time.Advance(TimeSpan.FromSeconds(61));
        await GetManyAsync(client, 5);
        Assert.Equal(2, _provider.DetailsCalls);
    }

    [Fact]
    public async Task a_token_signed_with_a_newly_published_key_is_accepted_at_once_and_unknown_key_ids_fetch_at_most_once_per_interval()
    {
        await using var app = await StartDevAsync();
        var service = KnownService("ccd_data");
        using (var warm = app.CreateClient(_provider.UserToken("idam-4", Audience), service))
        {
            Assert.Equal(HttpStatusCode.OK, (await GetManyAsync(warm, 1))[0]);
        }

        var fetchedBefore = _provider.JwksCalls;
        var rotated = _provider.NewKey("fake-idp-2", publish: true);
        using (var client = app.CreateClient(_provider.UserToken("idam-4", Audience, signing: rotated), service))
        {
            Assert.Equal(HttpStatusCode.OK, (await GetManyAsync(client, 1))[0]);
        }

        Assert.Equal(fetchedBefore + 1, _provider.JwksCalls);

        // Made-up key ids: refused, and within the interval (30 s by default) no more fetches.
        var forged = _provider.NewKey("never-published", publish: false);
        using var forger = app.CreateClient(_provider.UserToken("idam-4", Audience, signing: forged), service);
        Assert.All(await GetManyAsync(forger, 20), status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(fetchedBefore + 1, _provider.JwksCalls);

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.All(await GetManyAsync(forger, 20), status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(fetchedBefore + 2, _provider.JwksCalls);
    }

    [Fact]
    public async Task every_configured_audience_is_accepted_and_no_other()
    {
        await using var app = await StartDevAsync(new Dictionary<string, string?> { ["Ccd:Auth:Audience"] = "ccd-adoption-api, ccd-data-store" });
        var service = KnownService("ccd_data");

        foreach (var (audience, expected) in new[] { ("ccd-adoption-api", HttpStatusCode.OK), ("ccd-data-store", HttpStatusCode.OK), ("somebody-else", HttpStatusCode.Unauthorized) })
        {
            using var client = app.CreateClient(_provider.UserToken("idam-5", audience), service);
            Assert.Equal(expected, (await GetManyAsync(client, 1))[0]);
        }
    }

    [Fact]
    public async Task no_configured_secret_appears_in_any_log_line()
    {
        const string esPassword = "es-secret-4f1c9";
        const string s2sPassword = "s2s-secret-77ab";

        const string apiKey = "es-api-key-secret-91";
        const string amqpPassword = "amqp-secret-5d2e";
        // The test cluster's password, in the database URL.
        var dbPassword = postgres.Password;
        var database = await postgres.CreateDatabaseAsync();
        Assert.Contains(dbPassword, database, StringComparison.Ordinal);
        var s2sUrl = new UriBuilder(_provider.BaseAddress + "s2s") { UserName = "s2s-user", Password = s2sPassword }.Uri.ToString();
        await using (var app = await StartDevAsync(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:Console:LogLevel:Default"] = "Warning",
            ["Ccd:Elasticsearch:Url"] = $"http://es-user:{esPassword}@127.0.0.1:9/",
            ["Ccd:Elasticsearch:ApiKey"] = apiKey,
            ["Ccd:Auth:S2sUrl"] = s2sUrl,
            ["Ccd:Auth:UserInfoUrl"] = new UriBuilder(_provider.BaseAddress + "o/userinfo") { UserName = "u", Password = s2sPassword }.Uri.ToString(),
            // Configured but switched off (no broker here): present in the configuration, never in a log.
            ["Ccd:Publishing:Enabled"] = "false",
            ["Ccd:Publishing:Address"] = $"amqp://amqp-user:{amqpPassword}@127.0.0.1:9",
        }, database))
        {
            // Requests that make the runtime log about each provider: accepted, refused, and the S2S provider failing.
            using var client = app.CreateClient(_provider.UserToken("idam-6", Audience), KnownService("ccd_data"));
            await GetManyAsync(client, 2);
            _provider.FailWith = 500;
            using var failing = app.CreateClient(_provider.UserToken("idam-6", Audience), KnownService("ccd_data"));
            await GetManyAsync(failing, 1);
        }

        Assert.NotEmpty(_logs.Lines);
        Assert.Contains(_logs.Lines, line => line.Contains("The S2S provider at", StringComparison.Ordinal));
        Assert.Contains(_logs.Lines, line => line.Contains("Search indexing is on", StringComparison.Ordinal));
        foreach (var secret in new[] { esPassword, s2sPassword, dbPassword, apiKey, amqpPassword, TestTokens.SigningKey })
        {
            Assert.DoesNotContain(_logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    /// <summary>Every line, with its exception, as a sink would write it.</summary>
    private sealed class CapturingLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
