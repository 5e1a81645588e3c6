using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccd.Runtime.CaseTypes;

/// <summary>Declares the service's case types on the runtime.</summary>
public static class CaseTypeRegistration
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
    ///         .Publish().PublishedField("courtCode", "Text")));
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
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(jurisdiction);
        var caseType = new CaseTypeBuilder<TCase, TState>(id, jurisdiction);
        configure?.Invoke(caseType);
        var definition = caseType.Build();
        var problems = caseType.Problems.ToList();
        if (!CaseTypeCatalog.Of(builder.Services).TryAdd(definition))
        {
            problems.Add(CaseTypeCatalog.DeclaredTwice(id));
        }

        if (problems.Count > 0)
        {
            // The first problem found while registering is the one reported (the runtime's own come first).
            builder.Services.TryAddSingleton(new StartupFailure(new CcdStartupException(problems[0])));
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICcdStartupCheck, CaseTypeHandlerCheck>());
        foreach (var type in definition.ServiceTypes.Distinct())
        {
            builder.Services.TryAddScoped(type);
        }

        return builder;
    }
}
