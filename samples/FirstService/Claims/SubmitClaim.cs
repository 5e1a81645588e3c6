using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Npgsql;

namespace Claims;

/// <summary>Submits a claim: refuses one without an amount or an email, records it in claims.submissions and queues its acknowledgement.</summary>
public sealed class SubmitClaim : ISubmitHandler<Claim, ClaimState>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<SubmitResult<ClaimState>> SubmitAsync(SubmitContext<Claim, ClaimState> context, CancellationToken cancellationToken)
    {
        var claim = context.Proposed;
        if (claim.Amount is not > 0 || string.IsNullOrWhiteSpace(claim.ApplicantEmail))
        {
            return new() { Errors = ["Enter the amount claimed and the applicant's email."] };
        }

        await using var insert = new NpgsqlCommand(
            "INSERT INTO claims.submissions (reference, amount_pence, submitted_at) VALUES ($1, $2, $3)",
            context.Connection,
            context.Transaction);
        insert.Parameters.AddWithValue(context.Reference);
        insert.Parameters.AddWithValue(claim.Amount);
        insert.Parameters.AddWithValue(DateTime.SpecifyKind(context.Now, DateTimeKind.Utc));
        await insert.ExecuteNonQueryAsync(cancellationToken);

        context.EnqueueJob(AcknowledgeClaim.Kind, new JsonObject { ["email"] = claim.ApplicantEmail }, "acknowledge");
        return new()
        {
            State = ClaimState.Submitted,
            Data = JsonSerializer.SerializeToNode(claim, Json)!.AsObject(),
            ConfirmationHeader = "# Claim submitted",
        };
    }
}
