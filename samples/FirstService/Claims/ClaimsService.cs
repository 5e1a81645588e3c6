using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;

namespace Claims;

/// <summary>The claims service on the runtime: its migrations, its job and case type FR_Claim with its events.</summary>
public static class ClaimsService
{
    public static CcdRuntimeBuilder AddClaims(this WebApplicationBuilder builder) => builder.AddCcdRuntime()
        .AddMigrations(typeof(Claim).Assembly)
        .AddJobHandler<SendAcknowledgement>()
        .AddCaseType<Claim, ClaimState>("FR_Claim", "FR", claim => claim
            .View<ClaimView>()
            .Event("create", e => e.Name("Start a claim").AboutToStart<PrefillApplicant>())
            .Event("submit", e => e.Name("Submit the claim").Handler<SubmitClaim>())
            .Event("addNote", e => e.Name("Add a note").Handler<AddNote>().Additive())
            .Event("close", e => e.Name("Close the claim").PublishedField(c => c.ApplicantName).PublishedField(c => c.Amount)));
}
