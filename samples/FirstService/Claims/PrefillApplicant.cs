using Ccd.Runtime.CaseTypes;

namespace Claims;

/// <summary>About-to-start of <c>create</c>: the applicant's name starts as the signed-in user's.</summary>
public sealed class PrefillApplicant : ICallbackHandler
{
    public Task<CallbackResponse> HandleAsync(CallbackRequest request, CancellationToken cancellationToken)
    {
        var data = request.Data.DeepClone().AsObject();
        data["applicantName"] ??= $"{request.User.FirstName} {request.User.LastName}";
        return Task.FromResult(CallbackResponse.WithData(data));
    }
}
