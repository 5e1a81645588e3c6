using System.Diagnostics;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Database;
using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Ccd.Runtime.Problems;

/// <summary>
/// Turns every exception into a problem details body: <see cref="ProblemException"/> as given, database
/// unavailability as 503 with <c>Retry-After</c>, bad requests (body too large, unreadable) as their 4xx, and
/// anything else as 500 with the trace id (exception details only in LOCAL and DEV).
/// </summary>
internal sealed class CcdExceptionHandler(
    IProblemDetailsService problemDetails,
    CcdEnvironment environment,
    ILogger<CcdExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Describe(exception, httpContext);
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (exception is ProblemException { Status: >= 500 } dependency)
        {
            // A dependency other than the database (S2S or identity provider) is down; the code that threw said so.
            logger.LogWarning("{Problem} while serving {Method} {Path}", dependency.Type, httpContext.Request.Method, httpContext.Request.Path);
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("Database unavailable while serving {Method} {Path}: {Reason}", httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
        }
        else if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled error serving {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private ProblemDetails Describe(Exception exception, HttpContext context)
    {
        switch (exception)
        {
            case ProblemException known:
                var details = new ProblemDetails
                {
                    Status = known.Status,
                    Type = ProblemTypes.Uri(known.Type),
                    Title = known.Title,
                    Detail = known.Detail,
                };
                foreach (var (key, value) in known.Extensions)
                {
                    details.Extensions[key] = value;
                }

                return details;
            case BadHttpRequestException badRequest:
                return new ProblemDetails
                {
                    Status = badRequest.StatusCode,
                    Type = ProblemTypes.Uri(badRequest.StatusCode == 413 ? "body-too-large" : "bad-request"),
                    Title = badRequest.StatusCode == 413 ? "The request body is too large." : "The request could not be read.",
                    Detail = badRequest.Message,
                };
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return new ProblemDetails { Status = 499, Type = ProblemTypes.Uri("client-closed-request"), Title = "The client closed the request." };
            case DatabaseUnavailableException:
            case var _ when DatabaseErrors.IsUnavailable(exception):
                return new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Type = ProblemTypes.Uri("database-unavailable"),
                    Title = "The database is unavailable.",
                    Detail = $"The service could not use its database in time. Retry after {RetryAfterSeconds} seconds.",
                };
            default:
                var showDetails = environment.Name is AppEnvironment.Local or AppEnvironment.Dev;
                return new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Type = ProblemTypes.Uri("internal-error"),
                    Title = "An unexpected error occurred.",
                    Detail = showDetails ? exception.ToString() : "An unexpected error occurred; quote the trace id when reporting it.",
                };
        }
    }
}
