using Ccd.Runtime.CaseTypes;
using Npgsql;

namespace Claims;

/// <summary>Submits a claim: refuses one without an amount or an email, records it in claims.submissions and queues its acknowledgement.</summary>
public sealed class SubmitClaim : ISubmitHandler<Claim, ClaimState>
{
    public async Task<SubmitResult<Claim, ClaimState>> SubmitAsync(SubmitContext<Claim, ClaimState> context, CancellationToken cancellationToken)
    {
        var claim = context.Proposed;
        if (claim.Amount is not { Pence: > 0 } amount || string.IsNullOrWhiteSpace(claim.ApplicantEmail))
        {
            return new() { Errors = ["Enter the amount claimed and the applicant's email."] };
        }

        await using var insert = new NpgsqlCommand(
            "INSERT INTO claims.submissions (reference, amount_pence, submitted_at) VALUES ($1, $2, $3)",
            context.Connection,
            context.Transaction);
        insert.Parameters.AddWithValue(context.Reference);
        insert.Parameters.AddWithValue(amount.Pence);
        insert.Parameters.AddWithValue(context.Now);
        await insert.ExecuteNonQueryAsync(cancellationToken);

        context.EnqueueJob(new AcknowledgeClaim(claim.ApplicantEmail), "acknowledge");
        return new() { State = ClaimState.Submitted, Data = claim, ConfirmationHeader = "# Claim submitted" };
    }
}
