using System.Text.Json.Nodes;
using Npgsql;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// Renders what CCD sees as <c>case_data</c> from whatever the service stores: the blob, its own tables, or both,
/// plus computed fields. Used for reads, for the history snapshot and for the search document, and compared before
/// and after each event to decide whether the case's version moves. It must be deterministic for unchanged data.
/// Resolved from dependency injection; register it as a service.
/// </summary>
/// <typeparam name="TCase">The case class.</typeparam>
/// <typeparam name="TState">The state enum.</typeparam>
public interface ICaseView<TCase, TState>
    where TCase : class
    where TState : struct, Enum
{
    /// <summary>Renders the case.</summary>
    ValueTask<JsonObject> RenderAsync(CaseViewContext<TCase, TState> context, CancellationToken cancellationToken);
}

/// <summary>What a case view gets.</summary>
/// <typeparam name="TCase">The case class.</typeparam>
/// <typeparam name="TState">The state enum.</typeparam>
public sealed class CaseViewContext<TCase, TState>
    where TCase : class
    where TState : struct, Enum
{
    internal CaseViewContext(long reference, TState state, TCase blob, JsonObject data, NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        Reference = reference;
        State = state;
        Blob = blob;
        Data = data;
        Connection = connection;
        Transaction = transaction;
    }

    /// <summary>The 16-digit case reference.</summary>
    public long Reference { get; }

    /// <summary>The case's state.</summary>
    public TState State { get; }

    /// <summary>The stored blob as the case class.</summary>
    public TCase Blob { get; }

    /// <summary>The stored blob as JSON (a copy the view may modify and return).</summary>
    public JsonObject Data { get; }

    /// <summary>An open connection to read the service's tables.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The transaction in progress (inside an event), or null on reads.</summary>
    public NpgsqlTransaction? Transaction { get; }
}
