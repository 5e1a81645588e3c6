using Ccd.Runtime.Hosting;
using Ccd.Runtime.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Adoption.Service.ApiReference;

/// <summary>
/// The service's OpenAPI document (<c>/openapi/v1.json</c>) as a client generator needs it: who may call each
/// operation and with which tokens, described tags, a licence, and servers without a trailing slash.
/// </summary>
internal static class ApiDocument
{
    public const string UserToken = "Authorization";
    public const string ServiceToken = "ServiceAuthorization";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["ccd-persistence"] = "The decentralised persistence API CCD's data store calls to read and write the cases this service owns. Needs a user token and a service token from an allowed service (ccd_data).",
        ["ccd-callbacks"] = "CCD's about-to-start and mid-event callbacks for the events of this service's case types.",
        ["Courts"] = "The family courts adoption cases are filed in.",
        ["Cases"] = "Adoption cases: file, read, list, change and move along their lifecycle.",
        ["Assignments"] = "Who works on a case, in which role.",
        ["Documents"] = "Metadata of the documents of a case, and their upload, virus-scan and OCR progress.",
        ["Audit"] = "Every change made to a case, in order.",
    };

    public static IServiceCollection AddApiDocument(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            Secure(operation, context);
            return Task.CompletedTask;
        });
    });

    private static void Describe(OpenApiDocument document)
    {
        document.Info.Title = "Adoption service";
        document.Info.Description = "The adoption case service (case type A58): its REST API for caseworkers and judges, and the CCD " +
            "decentralised persistence API and callbacks it serves to CCD. Tokens for LOCAL and TEST come from the `dev-token` command.";
        document.Info.License = new OpenApiLicense { Name = "MIT", Url = new Uri("https://opensource.org/licenses/MIT") };
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[UserToken] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The user's IdAM access token, sent as `Authorization: Bearer <token>`.",
        };
        document.Components.SecuritySchemes[ServiceToken] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = CcdRuntimeExtensions.ServiceAuthorizationHeader,
            Description = "The calling service's S2S token, sent as `ServiceAuthorization: Bearer <token>`.",
        };

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description ??= description;
            }
        }
    }

    /// <summary>The tokens an operation's authorisation policy asks for, and the 401/403 every secured operation can answer.</summary>
    private static void Secure(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }

        var policies = metadata.OfType<IAuthorizeData>().Select(data => data.Policy).ToList();
        string[] schemes = policies.Contains(CcdRuntimeExtensions.PersistencePolicy) ? [UserToken, ServiceToken]
            : policies.Contains(CcdRuntimeExtensions.UserPolicy) ? [UserToken]
            : [];
        if (schemes.Length == 0)
        {
            return;
        }

        var requirement = new OpenApiSecurityRequirement();
        foreach (var scheme in schemes)
        {
            requirement[new OpenApiSecuritySchemeReference(scheme, context.Document)] = [];
        }

        operation.Security = [requirement];
        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "A token is missing, expired or not verified." });
        operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The caller may not do this." });
    }
}
