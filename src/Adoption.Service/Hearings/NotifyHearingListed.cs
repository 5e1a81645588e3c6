using System.Text.Json.Nodes;
using Adoption.Service.Access;
using Adoption.Service.Notifications;
using Ccd.Runtime.Jobs;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Adoption.Service.Hearings;

/// <summary>
/// Runs <see cref="HearingListedJob"/>: notifies every social worker assigned to the case when the job runs (an
/// assignment revoked since the listing no longer hears of it). Safe to run twice: the sender records one
/// notification per job and recipient.
/// </summary>
internal sealed partial class NotifyHearingListed(NpgsqlDataSource dataSource, INotificationSender sender, ILogger<NotifyHearingListed> logger) : IJobHandler
{
    public const string NotificationKind = "hearing-listed";

    private const string SocialWorkersSql = $"""
        SELECT a.user_id
        FROM adoption.case_assignments a JOIN adoption.cases c ON c.id = a.case_id
        WHERE a.case_id = @case_id AND a.role = '{AdoptionRoles.SocialWorker}' AND a.revoked_at IS NULL AND c.deleted_at IS NULL
        ORDER BY a.user_id
        """;

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var caseId = Guid.Parse(context.Payload["caseId"]!.GetValue<string>());
        var recipients = await SocialWorkersAsync(caseId, cancellationToken);
        if (recipients.Count == 0)
        {
            LogNobodyToNotify(context.Id, caseId);
            return;
        }

        var payload = new JsonObject
        {
            ["caseReference"] = context.CaseReference,
            [HearingDateRule.Field] = context.Payload[HearingDateRule.Field]?.DeepClone(),
        };
        foreach (var recipient in recipients)
        {
            await sender.SendAsync(new Notification(context.IdempotencyKey, recipient, NotificationKind, caseId, payload), cancellationToken);
        }
    }

    private async Task<List<string>> SocialWorkersAsync(Guid caseId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SocialWorkersSql);
        command.Parameters.AddWithValue("case_id", caseId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var recipients = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            recipients.Add(reader.GetString(0));
        }

        return recipients;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: case {CaseId} has no assigned social worker; no hearing notification sent.")]
    private partial void LogNobodyToNotify(long jobId, Guid caseId);
}
