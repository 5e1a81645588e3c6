using System.Globalization;

namespace Adoption.Service.Hearings;

/// <summary>
/// When a hearing may be listed. A missing, malformed or past date is an error; a weekend or a date sooner than the
/// minimum notice is a warning, because a court may sit then in an urgent case: the user decides.
/// </summary>
internal sealed class HearingDateRule(HearingOptions options)
{
    /// <summary>The case field (CCD) and body member (REST) that carries the date.</summary>
    public const string Field = "hearingDate";

    /// <summary>Checks <paramref name="text"/> (CCD's <c>yyyy-MM-dd</c>) against <paramref name="today"/> (UTC, from the application clock).</summary>
    public HearingDateCheck Check(string? text, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return HearingDateCheck.Error($"Enter the hearing date ({Field}).");
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return HearingDateCheck.Error($"The hearing date ({Field}) must be a date written yyyy-MM-dd.");
        }

        if (date < today)
        {
            return HearingDateCheck.Error($"The hearing date ({Field}) {Format(date)} is in the past.");
        }

        var warnings = new List<string>();
        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            warnings.Add($"The hearing date {Format(date)} is a {date.DayOfWeek}.");
        }

        if (date < today.AddDays(options.MinimumNoticeDays))
        {
            warnings.Add($"The hearing date {Format(date)} gives less than {options.MinimumNoticeDays} days' notice.");
        }

        return new HearingDateCheck(date, [], warnings);
    }

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The outcome of <see cref="HearingDateRule.Check"/>: the date when it is usable, and what to tell the user.</summary>
internal sealed record HearingDateCheck(DateOnly? Date, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    public static HearingDateCheck Error(string message) => new(null, [message], []);
}
