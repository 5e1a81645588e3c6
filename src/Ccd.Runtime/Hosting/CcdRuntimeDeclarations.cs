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
    /// attempt) for every job enqueued with <paramref name="kind"/>.
    /// </summary>
    /// <exception cref="CcdStartupException">Another handler is already registered for <paramref name="kind"/>.</exception>
    public static CcdRuntimeBuilder AddJobHandler<THandler>(this CcdRuntimeBuilder builder, string kind)
        where THandler : class, IJobHandler =>
        CcdJobsBuilderExtensions.Add<THandler>(builder, kind);

    /// <summary>
    /// Maps the five endpoints of <c>/ccd-persistence</c> (submit, read cases, history, one history event,
    /// supplementary data) and CCD's callbacks (<c>/callbacks/about-to-start</c>, <c>/callbacks/mid-event</c>), each
    /// requiring a verified user token and an allowed service token.
    /// </summary>
    public static RouteGroupBuilder MapCcdPersistence(this IEndpointRouteBuilder endpoints) =>
        CcdPersistenceEndpoints.Map(endpoints);
}
