using System.Net;
using System.Text.RegularExpressions;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;
using Ccd.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ccd.Runtime.Tests.Authentication;

/// <summary>Every route the runtime maps under <c>/ccd-persistence</c>, found from the endpoint table so that a route
/// added later is covered too, refuses callers without both tokens and services outside the allow-list.</summary>
public sealed partial class PersistenceEndpointAuthenticationTests(PostgresServer postgres)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    private static List<(HttpMethod Method, string Path)> PersistenceRoutes(TestService service) =>
        service.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith(CcdPersistenceEndpoints.BasePath, StringComparison.Ordinal) == true)
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(method =>
                (new HttpMethod(method), RouteParameter().Replace(endpoint.RoutePattern.RawText!, "1234567890123452") + "?case-refs=1234567890123452")))
            .ToList();

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Cancel);
        return response.StatusCode;
    }

    [Fact]
    public async Task every_persistence_route_answers_401_without_tokens_and_403_to_a_service_not_allowed()
    {
        await using var service = await TestService.StartAsync(postgres);
        var routes = PersistenceRoutes(service);
        using var anonymous = service.App.CreateClient();
        using var userOnly = service.App.CreateClient(TestTokens.User(), serviceToken: null);
        using var serviceOnly = service.App.CreateClient(userToken: null, TestTokens.Service());
        using var foreign = service.App.CreateClient(TestTokens.User(), TestTokens.Service("xui_webapp"));

        Assert.Equal(5, routes.Count);
        foreach (var (method, path) in routes)
        {
            Assert.Equal((method, path, HttpStatusCode.Unauthorized), (method, path, await SendAsync(anonymous, method, path)));
            Assert.Equal((method, path, HttpStatusCode.Unauthorized), (method, path, await SendAsync(userOnly, method, path)));
            Assert.Equal((method, path, HttpStatusCode.Unauthorized), (method, path, await SendAsync(serviceOnly, method, path)));
            Assert.Equal((method, path, HttpStatusCode.Forbidden), (method, path, await SendAsync(foreign, method, path)));
        }
    }

    [Fact]
    public async Task a_lower_case_bearer_prefix_on_both_headers_reaches_the_persistence_api()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var client = service.App.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "bearer " + TestTokens.User());
        client.DefaultRequestHeaders.TryAddWithoutValidation("ServiceAuthorization", "bearer " + TestTokens.Service());

        using var response = await client.GetAsync(CcdPersistenceEndpoints.BasePath + "/cases?case-refs=1234567890123452", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync(Cancel));
    }
}
