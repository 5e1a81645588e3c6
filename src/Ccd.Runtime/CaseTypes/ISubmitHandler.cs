namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// Runs an event of a typed case type inside the event's transaction: validate, write the service's own tables on
/// the context's connection, and answer errors, a new state, a confirmation. Resolved from dependency injection
/// (scoped to the submit) for each event; register it as a service.
/// </summary>
/// <typeparam name="TCase">The case class.</typeparam>
/// <typeparam name="TState">The state enum.</typeparam>
public interface ISubmitHandler<TCase, TState>
    where TCase : class
    where TState : struct, Enum
{
    /// <summary>Handles the event; throw only for unexpected failures (the event rolls back and CCD gets a 500).</summary>
    Task<SubmitResult<TCase, TState>> SubmitAsync(SubmitContext<TCase, TState> context, CancellationToken cancellationToken);
}
