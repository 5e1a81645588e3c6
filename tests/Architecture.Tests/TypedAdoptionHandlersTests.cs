using System.Text.RegularExpressions;
using Xunit;

namespace Architecture.Tests;

/// <summary>
/// The adoption service writes its CCD events and its view in the typed forms: every submit handler, the view and
/// what they share in <c>src/Adoption.Service/A58CaseType</c> name no <c>JsonObject</c> or <c>JsonNode</c> (the
/// callbacks answer CCD's callback contract, which is JSON).
/// </summary>
public sealed partial class TypedAdoptionHandlersTests
{
    [Fact]
    public void the_a58_submit_handlers_and_view_name_no_json_nodes()
    {
        var folder = Path.Combine(Checkout.Root, "src", "Adoption.Service", "A58CaseType");
        var typed = Directory.GetFiles(folder, "*.cs")
            .Select(path => (Name: Path.GetFileName(path), Text: File.ReadAllText(path)))
            .Where(file => !file.Text.Contains(": ICallbackHandler", StringComparison.Ordinal))
            .ToList();

        Assert.Contains(typed, file => file.Text.Contains("ISubmitHandler<AdoptionCase, AdoptionState>", StringComparison.Ordinal));
        Assert.Contains(typed, file => file.Text.Contains("ICaseView<AdoptionCase, AdoptionState>", StringComparison.Ordinal));
        var untyped = typed.Where(file => JsonNodes().IsMatch(file.Text)).Select(file => file.Name).ToList();
        Assert.True(untyped.Count == 0, $"A58 files naming JsonObject/JsonNode/JsonArray: {string.Join(", ", untyped)}");
    }

    [GeneratedRegex(@"\bJson(Object|Node|Array)\b|System\.Text\.Json\.Nodes")]
    private static partial Regex JsonNodes();
}
