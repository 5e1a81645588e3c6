using System.Text.Json.Nodes;

namespace Adoption.Service.Notifications;

/// <summary>
/// Sends a notification to a user. Implementations must be idempotent per <see cref="Notification.IdempotencyKey"/>
/// and recipient, because the jobs that call them run at least once.
/// </summary>
internal interface INotificationSender
{
    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}

/// <summary>
/// One notification: the key of the work that sends it (a job's idempotency key), to whom, what kind, about which
/// case, and what it says.
/// </summary>
internal sealed record Notification(string IdempotencyKey, string RecipientUserId, string Kind, Guid CaseId, JsonObject Payload);
