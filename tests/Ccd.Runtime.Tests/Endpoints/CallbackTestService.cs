using Ccd.Runtime.Commands;
using System.Globalization;
using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Endpoints;

/// <summary>
/// A service whose case type <c>FT_Callbacks</c> declares an about-to-start handler on <c>create</c> (pre-fills the
/// court from the caller's courts) and a mid-event handler on page <c>hearing</c> of <c>schedule</c> (checks the date).
/// </summary>
internal static class CallbackTestService
{
    public const string CaseType = "FT_Callbacks";

    public static readonly DateTimeOffset Today = new(2026, 3, 5, 9, 0, 0, TimeSpan.Zero);

    public static CcdServiceDefinition Definition { get; } = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime()
            .AddCaseType<TypedCase, TypedState>(CaseType, "TEST", ct => ct
                .Event("create", e => e.AboutToStart<PrefillCourtHandler>())
                .Event("schedule", e => e.MidEvent<HearingDateHandler>("hearing"))
                .Event("plain")),
        ConfigureApp = app => app.MapCcdPersistence(),
    };
}

internal sealed class PrefillCourtHandler : ICallbackHandler
{
    public Task<CallbackResponse> HandleAsync(CallbackRequest request, CancellationToken cancellationToken)
    {
        if (request.User.Courts.Count == 0)
        {
            return Task.FromResult(CallbackResponse.WithErrors("You are not assigned to a court."));
        }

        var data = request.Data.DeepClone().AsObject();
        data["court"] = request.User.Courts[0];
        return Task.FromResult(CallbackResponse.WithData(data));
    }
}

internal sealed class HearingDateHandler(TimeProvider time) : ICallbackHandler
{
    public Task<CallbackResponse> HandleAsync(CallbackRequest request, CancellationToken cancellationToken)
    {
        var text = request.Data["hearingDate"]?.GetValue<string>();
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return Task.FromResult(CallbackResponse.WithErrors("Enter the hearing date."));
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return Task.FromResult(date < today
            ? CallbackResponse.WithErrors("The hearing date is in the past.")
            : date < today.AddDays(14)
                ? new CallbackResponse { Warnings = ["The hearing is less than 14 days away."] }
                : new CallbackResponse());
    }
}
