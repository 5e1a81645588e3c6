using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Ccd.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

/// <summary>
/// The service's own <c>Program.cs</c>, started by <see cref="WebApplicationFactory{TEntryPoint}"/> on a real test
/// database: configuration from the factory's settings (APP_ENV=TEST), the schema migrated by the start itself,
/// requests authenticated with a signed token.
/// </summary>
public sealed class ProgramFactoryTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_real_program_migrates_an_empty_database_and_answers_an_authenticated_request()
    {
        var database = await postgres.CreateEmptyDatabaseAsync();
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseEnvironment("Production")
            .UseSetting("APP_ENV", "TEST")
            .UseSetting("TEST_DATABASE_URL", database)
            .UseSetting("Ccd:Auth:SigningKey", TestTokens.SigningKey)
            .UseSetting("Logging:LogLevel:Default", "Warning"));

        using var anonymous = factory.CreateClient();
        using var ready = await anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
        using var refused = await anonymous.GetAsync(new Uri("/api/cases", UriKind.Relative), Ct);
        using var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.User("admin-1", ["admin"]));
        using var created = await admin.PostAsJsonAsync(new Uri("/api/cases", UriKind.Relative),
            new { courtCode = "BFC", applicantName = "Alex Morgan", childName = "Sam Morgan" }, Ct);
        using var read = await admin.GetAsync(created.Headers.Location, Ct);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}
