using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Jobs;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccd.Runtime.Hosting;

/// <summary>What a service declares on the runtime (case types, job handlers) and the API it maps.</summary>
public static partial class CcdRuntimeExtensions
{
    /// <summary>
    /// Declares the case type <paramref name="id"/> of <paramref name="jurisdiction"/> with its case class, state enum,
    /// view and events. Its view and handler classes are registered as scoped services unless already registered.
    /// </summary>
    /// <example><code>
    /// builder.AddCcdRuntime().AddCaseType&lt;AdoptionCase, AdoptionState&gt;("A58", "ADOPTION", ct => ct
    ///     .HmctsServiceId("ABA4")
    ///     .View&lt;AdoptionCaseView&gt;()
    ///     .Event("submitApplication", e => e.Name("Submit application").Handler&lt;SubmitApplication&gt;()
    ///         .Publish().PublishedField(c => c.CourtCode)));
    /// </code></example>
    /// <remarks>
    /// Nothing throws here: a mistake in the declaration (the case type or an event declared twice, a bad published
    /// field, a state enum whose states share a value, a handler that cannot be created) stops start-up with one line
    /// naming the case type and event.
    /// </remarks>
    public static CcdRuntimeBuilder AddCaseType<TCase, TState>(
        this CcdRuntimeBuilder builder,
        string id,
        string jurisdiction,
        Action<CaseTypeBuilder<TCase, TState>>? configure = null)
        where TCase : class
        where TState : struct, Enum
    {
        if (CaseTypeRegistration.Add(builder, id, jurisdiction, configure) is { } problem)
        {
            // The first problem found while registering is the one reported (the runtime's own come first).
            builder.Services.TryAddSingleton(new StartupFailure(new CcdStartupException(problem)));
        }

        return builder;
    }

    /// <summary>
    /// Makes the job worker run <typeparamref name="THandler"/> (resolved from dependency injection, scoped to one
    /// attempt) for every job of the type it handles (its <see cref="IJobHandler{TJob}"/>), and lets events enqueue that
    /// type. The job type is stored under <paramref name="kind"/>, by default the type's name: name the kind to keep the
    /// stored jobs running when the type is renamed.
    /// </summary>
    /// <example><code>
    /// record SendReminder(Guid CaseId, DateOnly Due);
    /// sealed class SendReminderHandler(IMailer mailer) : IJobHandler&lt;SendReminder&gt; { ... }
    ///
    /// builder.AddCcdRuntime().AddJobHandler&lt;SendReminderHandler&gt;();         // kind "SendReminder"
    /// // in a submit handler: context.EnqueueJob(new SendReminder(caseId, due), "remind-applicant");
    /// </code></example>
    /// <remarks>
    /// Nothing throws here: a handler that implements no <see cref="IJobHandler{TJob}"/>, or a kind or job type that
    /// already has a handler, stops start-up with one line naming the handler.
    /// </remarks>
    public static CcdRuntimeBuilder AddJobHandler<THandler>(this CcdRuntimeBuilder builder, string? kind = null)
        where THandler : class
    {
        if (CcdJobsBuilderExtensions.Add<THandler>(builder, kind, CaseJson.Options) is { } problem)
        {
            builder.Services.TryAddSingleton(new StartupFailure(new CcdStartupException(problem)));
        }

        return builder;
    }

    /// <summary>
    /// Maps the five endpoints of <c>/ccd-persistence</c> (submit, read cases, history, one history event,
    /// supplementary data) and CCD's callbacks (<c>/callbacks/about-to-start</c>, <c>/callbacks/mid-event</c>), each
    /// requiring a verified user token and an allowed service token.
    /// </summary>
    public static RouteGroupBuilder MapCcdPersistence(this IEndpointRouteBuilder endpoints) =>
        CcdPersistenceEndpoints.Map(endpoints);
}
