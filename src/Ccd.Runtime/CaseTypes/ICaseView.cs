using Npgsql;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// Renders what CCD sees as <c>case_data</c> from whatever the service stores: the blob, its own tables, or both,
/// plus computed fields. Used for reads, for the history snapshot and for the search document, and compared before
/// and after each event to decide whether the case's version moves. It must be deterministic for unchanged data.
/// The runtime serialises the case class it returns as CCD's case data (see <see cref="ListValue{T}"/> and
/// <see cref="MoneyGBP"/> for CCD's field types); null members are left out. Resolved from dependency injection.
/// </summary>
/// <typeparam name="TCase">The case class.</typeparam>
/// <typeparam name="TState">The state enum.</typeparam>
public interface ICaseView<TCase, TState>
    where TCase : class
    where TState : struct, Enum
{
    /// <summary>Renders the case; a member left null is a field CCD does not see.</summary>
    ValueTask<TCase> RenderAsync(CaseViewContext<TCase, TState> context, CancellationToken cancellationToken);
}

/// <summary>What a case view gets.</summary>
/// <typeparam name="TCase">The case class.</typeparam>
/// <typeparam name="TState">The state enum.</typeparam>
public sealed class CaseViewContext<TCase, TState>
    where TCase : class
    where TState : struct, Enum
{
    internal CaseViewContext(long reference, TState state, TCase blob, NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        Reference = reference;
        State = state;
        Blob = blob;
        Connection = connection;
        Transaction = transaction;
    }

    /// <summary>The 16-digit case reference.</summary>
    public long Reference { get; }

    /// <summary>The case's state.</summary>
    public TState State { get; }

    /// <summary>The stored blob as the case class (the view's own copy: it may set fields on it and return it).</summary>
    public TCase Blob { get; }

    /// <summary>An open connection to read the service's tables.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The transaction in progress (inside an event), or null on reads.</summary>
    public NpgsqlTransaction? Transaction { get; }
}
