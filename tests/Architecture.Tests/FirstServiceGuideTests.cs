using Xunit;

namespace Architecture.Tests;

/// <summary>docs/first-service.md shows samples/FirstService as it is, file by file, so the guide cannot drift from the built and tested sample.</summary>
public sealed class FirstServiceGuideTests
{
    private const string Sample = "samples/FirstService";

    // Written by `dotnet new web` and kept as the template wrote them; the guide says so rather than listing them.
    private static readonly string[] TemplateFiles =
    [
        "samples/FirstService/Claims/appsettings.json",
        "samples/FirstService/Claims/appsettings.Development.json",
        "samples/FirstService/Claims/Properties/launchSettings.json",
    ];

    private static string GuideText => File.ReadAllText(Path.Combine(Checkout.Root, "docs", "first-service.md"));

    [Fact]
    public void every_listing_of_the_guide_is_the_samples_file_and_every_file_of_the_sample_is_shown()
    {
        var listings = GuideListings.Blocks(GuideText).Count(block => block.File is not null);

        var problems = GuideListings.Problems(GuideText, Checkout.Root, Sample, TemplateFiles);

        Assert.True(listings >= 10, $"The guide marks only {listings} listings: the marker pattern no longer reads it.");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void a_listing_changed_by_one_character_is_reported_with_its_file_and_line()
    {
        var listing = GuideListings.Blocks(GuideText).First(block => block.File is not null && block.Text.Contains("namespace Claims;", StringComparison.Ordinal));
        var changed = GuideText.Replace(listing.Text, listing.Text.Replace("namespace Claims", "namespace Claimz", StringComparison.Ordinal), StringComparison.Ordinal);

        var problems = GuideListings.Problems(changed, Checkout.Root, Sample, TemplateFiles);

        var problem = Assert.Single(problems);
        Assert.Contains($"the listing differs from {listing.File}", problem, StringComparison.Ordinal);
        Assert.Contains("guide has 'namespace Claimz;', file has 'namespace Claims;'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void a_code_block_without_a_marker_a_marker_naming_no_file_and_a_file_the_guide_leaves_out_are_reported()
    {
        var guide = string.Join('\n',
            "```csharp", "var x = 1;", "```",
            "<!-- file: samples/FirstService/Claims/Gone.cs -->", "```csharp", "class Gone;", "```",
            "```sh", "dotnet new web -n Claims", "```");

        var problems = GuideListings.Problems(guide, Checkout.Root, Sample, TemplateFiles);

        Assert.Contains("line 1: a csharp block without a <!-- file: ... --> marker", problems);
        Assert.Contains("line 5: samples/FirstService/Claims/Gone.cs does not exist", problems);
        Assert.Contains("samples/FirstService/Claims/Program.cs is in the sample but the guide does not show it", problems);
        Assert.DoesNotContain(problems, problem => problem.Contains("line 8", StringComparison.Ordinal));
    }
}
