using Ccd.Runtime.Jobs;
using Npgsql;

namespace Claims;

/// <summary>
/// The job a submit leaves behind, run after the submit committed: acknowledges the claim to the applicant. A real
/// service sends an email here (with <see cref="JobContext.IdempotencyKey"/>, as a job may run twice); the sample
/// records the acknowledgement in claims.submissions.
/// </summary>
public sealed class AcknowledgeClaim(NpgsqlDataSource database) : IJobHandler
{
    public const string Kind = "acknowledge-claim";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        await using var update = database.CreateCommand(
            "UPDATE claims.submissions SET acknowledged_to = $2, acknowledged_at = now() WHERE reference = $1 AND acknowledged_at IS NULL");
        update.Parameters.AddWithValue(context.CaseReference!);
        update.Parameters.AddWithValue(context.Payload["email"]!.GetValue<string>());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }
}
