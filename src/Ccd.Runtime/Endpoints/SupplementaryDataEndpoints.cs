using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Wire;
using Ccd.Runtime.Writing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ccd.Runtime.Endpoints;

/// <summary>
/// <c>POST /ccd-persistence/cases/{ref}/supplementary-data</c> (SPEC 2.6): under the case lock, so concurrent
/// increments never lose one; bumps the revision and queues the case for indexing; writes no event. CCD re-sends
/// it without a key after a timeout, so an update applies at least once.
/// </summary>
internal static class SupplementaryDataEndpoints
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/cases/{reference}/supplementary-data", UpdateAsync)
            .WithName("UpdateSupplementaryData")
            .WithSummary("Apply $set / $inc operations on dotted paths of a case's supplementary data, atomically.")
            .Accepts<object>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> UpdateAsync(
        string reference, HttpContext context, CaseWritePipeline pipeline, CancellationToken cancellationToken)
    {
        var caseReference = CaseReference.Parse(reference, "reference");
        var bytes = await RequestJson.ReadCheckedAsync(context.Request, cancellationToken);
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(bytes.Span, NodeOptions, DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw ProblemException.BadRequest("body", $"The request body is not valid JSON: {exception.Message}");
        }

        var update = SupplementaryDataUpdate.Parse(body);
        var updated = await pipeline.RunAsync(caseReference, key: null, async write =>
        {
            if (!write.IsLive)
            {
                throw ProblemException.NotFound($"Case {caseReference} does not exist.");
            }

            if (!write.HasRevisionsFor(1))
            {
                throw ProblemException.Conflict(EventCommit.RevisionsExhausted);
            }

            var applied = update.ApplyTo(write.Stored!.SupplementaryData);
            await write.WriteSupplementaryAsync(applied);
            return applied;
        }, cancellationToken);

        var buffer = new ArrayBufferWriter<byte>(512);
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("supplementary_data");
            updated.WriteTo(writer);
            writer.WriteEndObject();
        }

        return new RawJsonResult(StatusCodes.Status200OK, buffer.WrittenMemory);
    }
}
