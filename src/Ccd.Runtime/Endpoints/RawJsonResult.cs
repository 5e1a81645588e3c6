using Microsoft.AspNetCore.Http;

namespace Ccd.Runtime.Endpoints;

/// <summary>Answers bytes that are already JSON, so a replay is byte-identical to the first answer and nothing is re-serialised.</summary>
internal sealed class RawJsonResult(int status, ReadOnlyMemory<byte> body) : IResult
{
    public int Status { get; } = status;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = Status;
        httpContext.Response.ContentType = "application/json";
        httpContext.Response.ContentLength = body.Length;
        await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
