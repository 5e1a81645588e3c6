using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Microsoft.Extensions.Configuration;

namespace Adoption.Service.Hearings;

/// <summary>The hearing date rule's settings, bound from <c>Adoption:Hearings</c> (documented in docs/adoption-api.md).</summary>
internal sealed class HearingOptions
{
    public const string SectionName = "Adoption:Hearings";

    /// <summary>Days of notice a hearing normally needs; a sooner date is a warning the user may accept.</summary>
    public int MinimumNoticeDays { get; set; } = 7;

    /// <summary>Reads and checks the section; a bad value stops start-up with a message naming the key.</summary>
    public static HearingOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<HearingOptions>() ?? new HearingOptions();
        if (options.MinimumNoticeDays is < 0 or > 365)
        {
            throw new CcdStartupException($"{SectionName}:MinimumNoticeDays must be between 0 and 365 (it is {options.MinimumNoticeDays}).");
        }

        return options;
    }
}
