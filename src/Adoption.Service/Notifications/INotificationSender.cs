namespace Adoption.Service.Notifications;

/// <summary>
/// Sends a notification to a user. Implementations must be idempotent per <see cref="Notification{TPayload}.IdempotencyKey"/>
/// and recipient, because the jobs that call them run at least once.
/// </summary>
internal interface INotificationSender
{
    Task SendAsync<TPayload>(Notification<TPayload> notification, CancellationToken cancellationToken)
        where TPayload : class;
}

/// <summary>
/// One notification: the key of the work that sends it (a job's idempotency key), to whom, what kind, about which
/// case, and what it says (<typeparamref name="TPayload"/>, stored as a JSON object).
/// </summary>
internal sealed record Notification<TPayload>(string IdempotencyKey, string RecipientUserId, string Kind, Guid CaseId, TPayload Payload)
    where TPayload : class;
