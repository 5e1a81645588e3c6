using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Ccd.Runtime.Schema;

/// <summary>
/// A named, ordered set of plain-SQL migration files embedded in an assembly (for example the runtime's own
/// <c>ccd</c> schema, or a service's schema). Files are applied in ordinal order of their names.
/// </summary>
public sealed class MigrationSource
{
    /// <summary>Creates a source from the embedded resources of <paramref name="assembly"/> whose names start with <paramref name="resourcePrefix"/> and end in <c>.sql</c>.</summary>
    /// <param name="module">The journal's name for this set, such as <c>ccd</c> or <c>adoption</c>.</param>
    /// <param name="assembly">The assembly holding the scripts.</param>
    /// <param name="resourcePrefix">The logical-name prefix of the scripts, such as <c>Ccd.Runtime.Migrations.</c>.</param>
    public MigrationSource(string module, Assembly assembly, string resourcePrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(module);
        ArgumentNullException.ThrowIfNull(assembly);
        Module = module;
        LookedFor = $"embedded *.sql resources of {assembly.GetName().Name} starting with '{resourcePrefix}'";
        Scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(resourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => MigrationScript.Load(assembly, name, name[resourcePrefix.Length..]))
            .OrderBy(script => script.Name, StringComparer.Ordinal)
            .ToArray();
    }

    internal MigrationSource(string module, IEnumerable<MigrationScript> scripts)
    {
        Module = module;
        LookedFor = "scripts given in code";
        Scripts = scripts.OrderBy(script => script.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The journal's name for this set of scripts.</summary>
    public string Module { get; }

    internal IReadOnlyList<MigrationScript> Scripts { get; }

    /// <summary>Where the scripts were looked for, for the start-up message when there are none.</summary>
    internal string LookedFor { get; }

    /// <summary>
    /// The service's migrations by convention: the <c>.sql</c> files <paramref name="assembly"/> embeds from its
    /// <c>Migrations</c> folder (<c>&lt;EmbeddedResource Include="Migrations/*.sql" /&gt;</c>, logical names
    /// <c>{AssemblyName}.Migrations.{file}</c>), as module <paramref name="module"/>, by default the first part of the
    /// assembly name in lower case (<c>Adoption.Service</c> → <c>adoption</c>; the whole name when that part is the
    /// runtime's own <c>ccd</c>).
    /// </summary>
    public static MigrationSource FromAssembly(Assembly assembly, string? module = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var name = assembly.GetName().Name!;
        var first = name.Split('.')[0].ToLowerInvariant();
        return new(module ?? (first == "ccd" ? name.ToLowerInvariant() : first), assembly, name + ".Migrations.");
    }

    /// <summary>The runtime's own <c>ccd</c> schema.</summary>
    public static MigrationSource Ccd { get; } = new("ccd", typeof(MigrationSource).Assembly, "Ccd.Runtime.Migrations.");
}

internal sealed record MigrationScript(string Name, string Sql, string Checksum)
{
    /// <summary>A first line of exactly this text runs the script outside a transaction (for example <c>CREATE INDEX CONCURRENTLY</c>).</summary>
    public const string NoTransactionMarker = "-- ccd:no-transaction";

    public bool RunsInTransaction => !Sql.TrimStart().StartsWith(NoTransactionMarker, StringComparison.Ordinal);

    public static MigrationScript Load(Assembly assembly, string resourceName, string name)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded migration {resourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return FromText(name, reader.ReadToEnd());
    }

    public static MigrationScript FromText(string name, string sql)
    {
        // Line endings are normalised so a checkout on another OS does not look like an edited file.
        var normalised = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
        return new MigrationScript(name, normalised, checksum);
    }
}
