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
internal sealed partial class NotifyHearingListed(NpgsqlDataSource dataSource, INotificationSender sender, ILogger<NotifyHearingListed> logger) : IJobHandler<HearingListedJob>
{
    public const string NotificationKind = "hearing-listed";

    private const string SocialWorkersSql = $"""
        SELECT a.user_id
        FROM adoption.case_assignments a JOIN adoption.cases c ON c.id = a.case_id
        WHERE a.case_id = @case_id AND a.role = '{AdoptionRoles.SocialWorker}' AND a.revoked_at IS NULL AND c.deleted_at IS NULL
        ORDER BY a.user_id
        """;

    public async Task RunAsync(HearingListedJob job, JobContext context, CancellationToken cancellationToken)
    {
        var caseId = job.CaseId;
        var recipients = await SocialWorkersAsync(caseId, cancellationToken);
        if (recipients.Count == 0)
        {
            LogNobodyToNotify(context.Id, caseId);
            return;
        }

        var notice = new HearingListedNotice(context.CaseReference, job.HearingDate);
        foreach (var recipient in recipients)
        {
            await sender.SendAsync(new Notification<HearingListedNotice>(context.IdempotencyKey, recipient, NotificationKind, caseId, notice), cancellationToken);
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

/// <summary>What a hearing-listed notification says: the case's CCD reference and the hearing date (<c>yyyy-MM-dd</c>, or null).</summary>
internal sealed record HearingListedNotice(long? CaseReference, DateOnly? HearingDate);
