using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Adoption.Service.Hearings;

/// <summary>The hearing date rule's settings, bound from <c>Adoption:Hearings</c> (documented in docs/adoption-api.md).</summary>
internal sealed class HearingOptions
{
    public const string SectionName = "Adoption:Hearings";

    /// <summary>Days of notice a hearing normally needs; a sooner date is a warning the user may accept.</summary>
    public int MinimumNoticeDays { get; set; } = 7;

    /// <summary>
    /// Binds the section and checks it when the application runs (the runtime's options pattern): a bad value stops
    /// start-up, or a command, with one line naming the key. <see cref="HearingOptions"/> resolves to the checked value.
    /// </summary>
    public static void Register(IServiceCollection services)
    {
        services.AddOptions<HearingOptions>()
            .BindConfiguration(SectionName)
            .Validate(options => options.MinimumNoticeDays is >= 0 and <= 365, $"{SectionName}:MinimumNoticeDays must be between 0 and 365.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<HearingOptions>>().Value);
    }
}
