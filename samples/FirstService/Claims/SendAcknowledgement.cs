using Ccd.Runtime.Jobs;
using Npgsql;

namespace Claims;

/// <summary>The job a submit leaves behind: acknowledge the claim to the applicant, once the submit committed.</summary>
public sealed record AcknowledgeClaim(string Email);

/// <summary>
/// Runs <see cref="AcknowledgeClaim"/>. A real service sends an email here (with <see cref="JobContext.IdempotencyKey"/>,
/// as a job may run twice); the sample records to whom and when in claims.submissions.
/// </summary>
public sealed class SendAcknowledgement(NpgsqlDataSource database) : IJobHandler<AcknowledgeClaim>
{
    public async Task RunAsync(AcknowledgeClaim job, JobContext context, CancellationToken cancellationToken)
    {
        await using var update = database.CreateCommand(
            "UPDATE claims.submissions SET acknowledged_to = $2, acknowledged_at = now() WHERE reference = $1 AND acknowledged_at IS NULL");
        update.Parameters.AddWithValue(context.CaseReference!);
        update.Parameters.AddWithValue(job.Email);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }
}
