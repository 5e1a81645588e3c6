using Adoption.Service.Access;
using Adoption.Service.CaseNumbers;
using Adoption.Service.Http;
using Npgsql;

namespace Adoption.Service.CaseType;

/// <summary>
/// The one write path of the service: every change, whether it comes from the REST API or from CCD, runs as an
/// A58 event in one transaction. The body writes the adoption tables and its audit rows on the transaction it is
/// given; an exception from the body rolls everything back.
/// </summary>
internal sealed class AdoptionWritePath(NpgsqlDataSource dataSource, TimeProvider time)
{
    public async Task<T> RunAsync<T>(AdoptionWrite write, Func<AdoptionWriteContext, Task<T>> body, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var context = new AdoptionWriteContext(connection, transaction, write.Reference ?? CcdReference.Mint(), UtcClock.Now(time), write.Caller, cancellationToken);
        var result = await body(context);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}

/// <summary>What a write is: its A58 event, the case's CCD reference (null for a new case), and who asks.</summary>
internal sealed record AdoptionWrite(string EventId, long? Reference, Caller Caller);

/// <summary>The open transaction of a write, the case's reference, and the time it happens at (one instant for every row it writes).</summary>
internal sealed record AdoptionWriteContext(
    NpgsqlConnection Connection,
    NpgsqlTransaction Transaction,
    long Reference,
    DateTime Now,
    Caller Caller,
    CancellationToken CancellationToken)
{
    /// <summary>The case's status after the write, when the write sets it (a create or a status change): the A58 state.</summary>
    public string? NewState { get; set; }

    public NpgsqlCommand Command(string sql)
    {
        var command = new NpgsqlCommand(sql, Connection, Transaction);
        Caller.AddParameters(command.Parameters);
        return command;
    }
}
