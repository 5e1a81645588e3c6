using System.Text.Json;
using Adoption.Service.Hearings;
using Ccd.Runtime.CaseTypes;

namespace Adoption.Service.A58CaseType;

/// <summary>
/// Mid-event of <c>listHearing</c>, page <see cref="PageId"/>: checks the hearing date the user entered. Errors keep
/// the user on the page; warnings (weekend, short notice) may be accepted, after which CCD re-sends the page with
/// <c>ignore_warning</c> and the runtime answers no warnings.
/// </summary>
internal sealed class HearingDetailsCallback(HearingDateRule rule, TimeProvider time) : ICallbackHandler
{
    public const string PageId = "hearingDetails";

    public Task<CallbackResponse> HandleAsync(CallbackRequest request, CancellationToken cancellationToken)
    {
        var value = request.Data[HearingDateRule.Field];
        // A non-string (a number, an object) is as unusable as a malformed string: let the rule name the field.
        var text = value is not null && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value?.ToJsonString();
        var check = rule.Check(text, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        return Task.FromResult(new CallbackResponse { Errors = check.Errors, Warnings = check.Warnings });
    }
}
