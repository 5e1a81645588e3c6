using Adoption.Service.CaseWrites;
using Ccd.Runtime.Database;
using Ccd.Runtime.Retention;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Adoption.Service.Retention;

/// <summary>
/// A58's retention policy. Adoption records are kept for 100 years from the adoption order (the case's creation
/// when no order was made), whatever TTL CCD resolved: the candidates for disposal are the cases whose period has
/// ended, and when <c>retention run</c> deletes a case the service's own rows are disposed of
/// (<see cref="AdoptionRecordDisposal"/>) in the runtime's disposal transaction; a case still within its period
/// is retained whole.
/// </summary>
internal sealed class A58RetentionPolicy(ILogger<A58RetentionPolicy> logger) : ICaseRetentionPolicy
{
    /// <summary>How long adoption records are kept.</summary>
    public const int RetentionYears = 100;

    // The latest adoption order on the case: the day its record period starts. Read from the case's history,
    // so orders recorded through CCD and through the REST API (both record makeOrder) count alike.
    private const string OrderDateSql = """
        SELECT max(created_date) FROM ccd.case_event WHERE case_reference = @reference AND event_id = @event_id
        """;

    // Cases whose record period has ended: the candidates CCD is asked to mark for disposal.
    private const string PeriodEndedSql = """
        SELECT d.reference FROM ccd.case_data d
        WHERE d.case_type_id = @case_type
          AND coalesce((SELECT max(e.created_date) FROM ccd.case_event e WHERE e.case_reference = d.reference AND e.event_id = @event_id), d.created_date) < @cutoff
        ORDER BY d.reference
        """;

    public string CaseTypeId => A58.CaseTypeId;

    public async Task<IReadOnlyCollection<long>> FindCandidatesAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PeriodEndedSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = A58.CaseTypeId });
        command.Parameters.Add(new NpgsqlParameter<string>("event_id", NpgsqlDbType.Varchar) { TypedValue = A58.Events.MakeOrder });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("cutoff", NpgsqlDbType.Timestamp)
        {
            TypedValue = DatabaseClock.ToStored(now.UtcDateTime.AddYears(-RetentionYears)),
        });
        var references = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            references.Add(reader.GetInt64(0));
        }

        return references;
    }

    public async Task<bool> DisposeOfCaseAsync(CaseDisposal disposal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(disposal);
        var orderDate = await OrderDateAsync(disposal, cancellationToken);
        var keptFrom = orderDate ?? disposal.CreatedDate;
        if (disposal.Now.UtcDateTime < keptFrom.AddYears(RetentionYears))
        {
            // No case data in the log: the reference and why. Nothing changes, so the next run asks again.
            logger.LogInformation("A58 case {Reference} retained: its {Years}-year adoption record period has not ended", disposal.Reference, RetentionYears);
            return false;
        }

        var disposed = await AdoptionRecordDisposal.DisposeAsync(disposal, keptFrom, orderDate is null ? "created" : "order", cancellationToken);
        logger.LogInformation("A58 case {Reference}: record period ended; adoption rows disposed of and audited: {HadRows}", disposal.Reference, disposed);
        return true;
    }

    private static async Task<DateTime?> OrderDateAsync(CaseDisposal disposal, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(OrderDateSql, disposal.Connection, disposal.Transaction);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = disposal.Reference });
        command.Parameters.Add(new NpgsqlParameter<string>("event_id", NpgsqlDbType.Varchar) { TypedValue = A58.Events.MakeOrder });
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime date ? date : null;
    }
}
