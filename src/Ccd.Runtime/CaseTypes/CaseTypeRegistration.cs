using Ccd.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// Declares the service's case types on the runtime (services call <c>AddCaseType</c>, which reports the first
/// declaration problem this returns when the application starts).
/// </summary>
internal static class CaseTypeRegistration
{
    public static string? Add<TCase, TState>(
        CcdRuntimeBuilder builder,
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

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICcdStartupCheck, CaseTypeHandlerCheck>());
        // An interface or abstract class is the service's to register with its implementation (checked at start-up).
        foreach (var type in definition.ServiceTypes.Distinct().Where(type => !type.IsAbstract))
        {
            builder.Services.TryAddScoped(type);
        }

        return problems.Count > 0 ? problems[0] : null;
    }
}
