using Adoption.Service.Access;
using Adoption.Service.CaseWrites;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Problems;

namespace Adoption.Service.A58CaseType;

/// <summary>
/// Runs an A58 event that CCD submitted through the same code as the REST API. The rules speak in problems
/// (403, 404, 422, 400); on <c>/ccd-persistence</c> a refusal is a 200 with <c>errors</c> instead, because CCD
/// turns any other 4xx into a 500. A 409 stays a 409: CCD shows it as "another action happened at the same time".
/// </summary>
internal static class CcdEventRunner
{
    public static async Task<SubmitResult<AdoptionCase, AdoptionState>> RunAsync(
        SubmitContext<AdoptionCase, AdoptionState> context,
        Func<AdoptionWriteContext, Task> body,
        CancellationToken cancellationToken)
    {
        var write = new AdoptionWriteContext(context, Caller.From(context.User), cancellationToken);
        try
        {
            await write.RunAsync(async write =>
            {
                await body(write);
                return true;
            });
        }
        catch (ProblemException problem) when (problem.Status is >= 400 and < 500 and not 409)
        {
            return new SubmitResult<AdoptionCase, AdoptionState> { Errors = [problem.Detail] };
        }

        return new SubmitResult<AdoptionCase, AdoptionState>
        {
            State = write.NewState,
        };
    }
}
