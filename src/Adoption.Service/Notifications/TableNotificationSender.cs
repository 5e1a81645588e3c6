using System.Text.Json;
using Ccd.Runtime.Database;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Adoption.Service.Notifications;

/// <summary>
/// The local notification sender: records each notification in <c>adoption.notifications</c> and logs one line
/// with ids only (the log leaves the case's data out, it goes to places the database's access rules do not reach).
/// </summary>
internal sealed partial class TableNotificationSender(NpgsqlDataSource dataSource, TimeProvider time, ILogger<TableNotificationSender> logger)
    : INotificationSender
{
    // The unique key makes the second send of a retried job a no-op instead of a second notice.
    private const string InsertSql = """
        INSERT INTO adoption.notifications (id, recipient_user_id, kind, case_id, created_at, payload, job_key)
        VALUES (@id, @recipient_user_id, @kind, @case_id, @created_at, @payload, @job_key)
        ON CONFLICT ON CONSTRAINT notifications_once_per_job_and_recipient DO NOTHING
        """;

    // camelCase members; a member without a value is written as null, so every notice of a kind has the same keys.
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public async Task SendAsync<TPayload>(Notification<TPayload> notification, CancellationToken cancellationToken)
        where TPayload : class
    {
        ArgumentNullException.ThrowIfNull(notification);
        var id = Guid.CreateVersion7();
        await using var command = dataSource.CreateCommand(InsertSql);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("recipient_user_id", notification.RecipientUserId);
        command.Parameters.AddWithValue("kind", notification.Kind);
        command.Parameters.AddWithValue("case_id", notification.CaseId);
        command.Parameters.AddWithValue("created_at", NpgsqlDbType.Timestamp, DatabaseClock.Now(time));
        command.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(notification.Payload, PayloadJson));
        command.Parameters.AddWithValue("job_key", notification.IdempotencyKey);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            LogRecorded(notification.Kind, id, notification.RecipientUserId, notification.CaseId);
        }
        else
        {
            LogAlreadyRecorded(notification.Kind, notification.RecipientUserId, notification.CaseId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Kind} {NotificationId} recorded for user {RecipientUserId} on case {CaseId}.")]
    private partial void LogRecorded(string kind, Guid notificationId, string recipientUserId, Guid caseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Kind} for user {RecipientUserId} on case {CaseId} was already recorded by an earlier attempt.")]
    private partial void LogAlreadyRecorded(string kind, string recipientUserId, Guid caseId);
}
