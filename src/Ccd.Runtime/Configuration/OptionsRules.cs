namespace Ccd.Runtime.Configuration;

/// <summary>
/// The one way the runtime's features check their options when they are read: a broken rule stops start-up with
/// a <see cref="CcdStartupException"/> whose one line names the key (as <c>Section:Key</c>) and what it must be.
/// </summary>
internal static class OptionsRules
{
    /// <summary>Stops start-up with <paramref name="message"/> (naming the key) unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new CcdStartupException(message);
        }
    }

    /// <summary>Stops start-up unless <paramref name="value"/> of <paramref name="key"/> lies between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static void InRange(int value, int min, int max, string key) =>
        Require(value >= min && value <= max, $"{key} is {value}; it must be between {min} and {max}.");
}
