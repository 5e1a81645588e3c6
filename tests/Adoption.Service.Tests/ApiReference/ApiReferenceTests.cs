using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Adoption.Service.Tests.Hosting;
using Adoption.Service.Tests.Support;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.ApiReference;

/// <summary>
/// The OpenAPI document as served, linted by <c>@redocly/cli</c> with its recommended rules (installed in .tools/ by
/// <c>scripts/install-prerequisites.sh test</c>), and the API reference page over it, reachable from <c>/</c>.
/// </summary>
public sealed class ApiReferenceTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_served_openapi_document_passes_redocly_lint_with_the_recommended_rules()
    {
        var redocly = Path.Combine(Checkout.Root, ".tools", "redocly", "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), $"{redocly} is missing: run scripts/install-prerequisites.sh test (scripts/test.sh does).");
        await using var app = await AdoptionApp.StartAsync(postgres);
        var file = Path.Combine(Path.GetTempPath(), $"ccd-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await app.App.CreateClient().GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct), Ct);
        try
        {
            var info = new ProcessStartInfo(redocly, ["lint", "--extends=recommended", "--format=summary", file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.Environment["NO_COLOR"] = "1";
            info.Environment["REDOCLY_TELEMETRY"] = "off";
            info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            using var lint = Process.Start(info)!;
            var output = lint.StandardOutput.ReadToEndAsync(Ct);
            var errors = lint.StandardError.ReadToEndAsync(Ct);
            await lint.WaitForExitAsync(Ct);
            var report = await output + await errors;
            Assert.True(lint.ExitCode == 0, report);
            Assert.DoesNotMatch(@"(?m)^error\s", report);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task every_operation_names_the_tokens_it_needs()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        using var document = JsonDocument.Parse(await app.App.CreateClient().GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct));
        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("Authorization").GetProperty("scheme").GetString());
        Assert.Equal("ServiceAuthorization", schemes.GetProperty("ServiceAuthorization").GetProperty("name").GetString());

        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var required = operation.Value.GetProperty("security").EnumerateArray().Single().EnumerateObject().Select(p => p.Name).Order().ToArray();
                string[] expected = path.Name.StartsWith("/api/", StringComparison.Ordinal) ? ["Authorization"] : ["Authorization", "ServiceAuthorization"];
                Assert.True(expected.SequenceEqual(required), $"{operation.Name} {path.Name}: {string.Join(", ", required)}");
                Assert.True(operation.Value.TryGetProperty("operationId", out _), $"{operation.Name} {path.Name} has no operationId");
                Assert.True(operation.Value.GetProperty("responses").TryGetProperty("401", out _), $"{operation.Name} {path.Name} has no 401");
            }
        }
    }

    [Fact]
    public async Task the_root_leads_to_the_api_reference_page_over_the_served_document()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var client = app.App.CreateClient();

        using var root = await client.GetAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/api-reference", root.Headers.Location!.OriginalString);

        var page = await client.GetStringAsync(new Uri("/api-reference/", UriKind.Relative), Ct);
        Assert.Contains("\"url\":\"openapi/v1.json\"", page, StringComparison.Ordinal); // resolved from the site's root: /openapi/v1.json
        Assert.Contains("<script src=\"scalar.js\"></script>", page, StringComparison.Ordinal);
        using var script = await client.GetAsync(new Uri("/api-reference/scalar.js", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode); // served by the service itself, no CDN
        Assert.True((await script.Content.ReadAsByteArrayAsync(Ct)).Length > 100_000);
    }

    [Fact]
    public async Task prod_serves_the_document_but_no_reference_page()
    {
        var environment = new Dictionary<string, string?>
        {
            ["APP_ENV"] = "PROD",
            ["PROD_DATABASE_URL"] = await postgres.CreateDatabaseAsync(global::Adoption.Service.Hosting.AdoptionHost.Migrations),
        };
        await using var service = ServiceBinary.Start(environment);
        await service.WaitReadyAsync(TimeSpan.FromMinutes(2));
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await noRedirect.GetAsync(new Uri("/", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await noRedirect.GetAsync(new Uri("/api-reference/", UriKind.Relative), Ct)).StatusCode);
        await service.StopAsync();
    }
}
