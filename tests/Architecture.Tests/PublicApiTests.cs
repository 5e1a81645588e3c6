using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Xunit;

namespace Architecture.Tests;

/// <summary>
/// The runtime's public API stays small and documented: the PublicApiAnalyzers files (which the build keeps equal to
/// the assembly's public surface) list at most <see cref="MaxTypes"/> types (issue 19's ceiling), and every public type of the built
/// assembly is listed there and has a summary in its XML documentation (members are held to it by CS1591 at build).
/// </summary>
public sealed class PublicApiTests
{
    private const int MaxTypes = 40;

    private static readonly string[] ApiFiles = ["PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt"];

    [Fact]
    public void the_public_api_file_lists_no_more_types_than_the_ceiling()
    {
        var types = ApiFileTypes();

        Assert.True(types.Count > 0, "No type read from the PublicAPI files: the pattern no longer reads them.");
        Assert.True(types.Count <= MaxTypes, $"The public API of Ccd.Runtime has {types.Count} types (at most {MaxTypes}):\n{string.Join("\n", types.Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public void every_public_type_of_the_runtime_is_in_the_api_file_and_has_a_summary()
    {
        var listed = ApiFileTypes().Select(WithoutTypeParameters).ToHashSet(StringComparer.Ordinal);
        var summaries = XDocument.Load(Path.ChangeExtension(Checkout.Assembly("Ccd.Runtime"), ".xml"))
            .Descendants("member")
            .Where(member => !string.IsNullOrWhiteSpace(member.Element("summary")?.Value))
            .Select(member => (string)member.Attribute("name")!)
            .ToHashSet(StringComparer.Ordinal);

        var publicTypes = PublicTypes(Checkout.Assembly("Ccd.Runtime"));

        var unlisted = publicTypes.Where(type => !listed.Contains(WithoutArity(type))).ToList();
        var undocumented = publicTypes.Where(type => !summaries.Contains("T:" + type)).ToList();

        Assert.NotEmpty(publicTypes);
        Assert.True(unlisted.Count == 0, $"Public types missing from PublicAPI.*.txt: {string.Join(", ", unlisted)}");
        Assert.True(undocumented.Count == 0, $"Public types without a <summary>: {string.Join(", ", undocumented)}");
        Assert.Equal(listed.Count, publicTypes.Count);
    }

    /// <summary>The lines of the API files that declare a type: members carry a signature (<c>(</c>) or a type (<c>-&gt;</c>).</summary>
    private static List<string> ApiFileTypes() =>
        ApiFiles
            .SelectMany(file => File.ReadLines(Path.Combine(Checkout.Root, "src", "Ccd.Runtime", file)))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#') && !line.Contains('(', StringComparison.Ordinal) && !line.Contains("->", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    // "Ccd.Runtime.CaseTypes.CaseTypeBuilder<TCase, TState>" is "Ccd.Runtime.CaseTypes.CaseTypeBuilder".
    private static string WithoutTypeParameters(string name) => name.Split('<')[0];

    // "Ccd.Runtime.CaseTypes.CaseTypeBuilder`2" is "Ccd.Runtime.CaseTypes.CaseTypeBuilder".
    private static string WithoutArity(string name) => name.Split('`')[0];

    /// <summary>The assembly's visible types by documentation name (nested types joined with a dot), read from its metadata.</summary>
    private static List<string> PublicTypes(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var names = new List<string>();
        foreach (var handle in reader.TypeDefinitions)
        {
            if (Visible(reader, handle))
            {
                names.Add(Name(reader, handle));
            }
        }

        return names;
    }

    private static bool Visible(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var visibility = type.Attributes & TypeAttributes.VisibilityMask;
        return visibility switch
        {
            TypeAttributes.Public => true,
            TypeAttributes.NestedPublic or TypeAttributes.NestedFamily or TypeAttributes.NestedFamORAssem => Visible(reader, type.GetDeclaringType()),
            _ => false,
        };
    }

    private static string Name(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var name = reader.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        return declaring.IsNil ? $"{reader.GetString(type.Namespace)}.{name}" : $"{Name(reader, declaring)}.{name}";
    }
}
