using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scalar.AspNetCore;

namespace Adoption.Service.ApiReference;

/// <summary>
/// The API reference page (Scalar, over <c>/openapi/v1.json</c>) at <c>/api-reference</c>, and <c>/</c> pointing to
/// it: in LOCAL, DEV and TEST only, where people try the API; PROD serves the document alone.
/// </summary>
internal static class ApiReferencePage
{
    public const string Path = "/api-reference";

    public static void MapApiReference(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        if (app.Services.GetAppEnvironment() == AppEnvironment.Prod)
        {
            return;
        }

        app.MapScalarApiReference(Path, options => options.WithTitle("Adoption service API")).AllowAnonymous();
        app.MapGet("/", () => Results.Redirect(Path)).ExcludeFromDescription().AllowAnonymous();
    }
}
