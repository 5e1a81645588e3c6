using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Runtime.Persistence;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Submission;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.SupplementaryData;

/// <summary>
/// <c>POST /ccd-persistence/cases/{ref}/supplementary-data</c> (SPEC 2.6): under the case lock, so concurrent
/// increments never lose one; bumps the revision and queues the case for indexing; writes no event. CCD re-sends
/// it without a key after a timeout, so an update applies at least once.
/// </summary>
internal static class SupplementaryDataEndpoints
{
    private const string UpdateSql = """
        UPDATE ccd.case_data SET supplementary_data = @supplementary_data, revision = @revision, last_modified = @now
        WHERE reference = @reference
        """;

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
        string reference, HttpContext context, NpgsqlDataSource dataSource, TimeProvider time, CaseGate gate,
        IOptions<SubmissionOptions> options, CancellationToken cancellationToken)
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
        // Same time budget as a submit: waiting behind a burst of writes to this case must end in a clear 503.
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.TimeoutSeconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            return await ApplyAsync(caseReference, update, dataSource, time, gate, linked.Token);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ProblemException(503, "update-timeout", "The update took too long.",
                $"The supplementary data update did not finish within {options.Value.TimeoutSeconds} seconds; nothing was written.");
        }
    }

    private static async Task<IResult> ApplyAsync(
        long caseReference, SupplementaryDataUpdate update, NpgsqlDataSource dataSource, TimeProvider time, CaseGate gate, CancellationToken cancellationToken)
    {
        using var turn = await gate.EnterAsync(caseReference, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stored = await CaseLock.LockAndLoadAsync(connection, transaction, caseReference, cancellationToken);
        if (stored is null || stored.Removed)
        {
            throw ProblemException.NotFound($"Case {caseReference} does not exist.");
        }

        if (stored.Revision == int.MaxValue)
        {
            throw ProblemException.Conflict(EventCommit.RevisionsExhausted);
        }

        var updated = update.ApplyTo(stored.SupplementaryData);
        var now = WireFormat.ToDatabase(time.GetUtcNow());
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            var write = new NpgsqlBatchCommand(UpdateSql);
            write.Parameters.Add(new NpgsqlParameter("supplementary_data", NpgsqlDbType.Jsonb) { Value = updated.ToJsonString() });
            AddCommon(write, caseReference, stored.Revision + 1, now);
            batch.BatchCommands.Add(write);
            var enqueue = new NpgsqlBatchCommand(EventWriter.EnqueueSearchSql);
            AddCommon(enqueue, caseReference, stored.Revision + 1, now);
            batch.BatchCommands.Add(enqueue);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
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

    private static void AddCommon(NpgsqlBatchCommand command, long reference, int revision, DateTime now)
    {
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter<int>("revision", NpgsqlDbType.Integer) { TypedValue = revision });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = now });
    }
}
