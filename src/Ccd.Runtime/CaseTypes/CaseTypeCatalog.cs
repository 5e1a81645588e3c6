using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.CaseTypes;

/// <summary>Every case type the service serves, by id. Filled while the host is built, read-only afterwards.</summary>
internal sealed class CaseTypeCatalog
{
    private readonly Dictionary<string, CaseTypeDefinition> _byId = new(StringComparer.Ordinal);

    public IEnumerable<CaseTypeDefinition> All => _byId.Values;

    /// <summary>True when some case type shows its blob as stored (has no view); a loop, as every read asks.</summary>
    public bool AnyWithoutView()
    {
        foreach (var definition in _byId.Values)
        {
            if (definition.ViewType is null)
            {
                return true;
            }
        }

        return false;
    }

    public bool TryGet(string id, out CaseTypeDefinition definition) => _byId.TryGetValue(id, out definition!);

    public void Add(CaseTypeDefinition definition)
    {
        if (!_byId.TryAdd(definition.Id, definition))
        {
            throw new CcdStartupException(DeclaredTwice(definition.Id));
        }
    }

    /// <summary>Adds <paramref name="definition"/> unless its id is taken; false when it is.</summary>
    public bool TryAdd(CaseTypeDefinition definition) => _byId.TryAdd(definition.Id, definition);

    public static string DeclaredTwice(string id) => $"Case type {id} is declared twice (in code or in Ccd:CaseTypes); declare it once.";

    /// <summary>The catalog of <paramref name="services"/>, added on first use.</summary>
    public static CaseTypeCatalog Of(IServiceCollection services)
    {
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(CaseTypeCatalog))?.ImplementationInstance;
        if (existing is CaseTypeCatalog catalog)
        {
            return catalog;
        }

        catalog = new CaseTypeCatalog();
        services.AddSingleton(catalog);
        return catalog;
    }
}
