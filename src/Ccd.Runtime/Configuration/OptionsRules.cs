using Microsoft.Extensions.Options;

namespace Ccd.Runtime.Configuration;

/// <summary>
/// The rules of one options section, checked when the application runs: each broken rule is one line naming the
/// key (as <c>Section:Key</c>) and what it must be; together they stop start-up (or a command) with exit code 2.
/// </summary>
internal sealed class OptionsRules
{
    private readonly List<string> _failures = [];

    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    /// <summary>Records <paramref name="message"/> (naming the key) unless <paramref name="condition"/> holds.</summary>
    public void Require(bool condition, string message)
    {
        if (!condition)
        {
            _failures.Add(message);
        }
    }

    /// <summary>Records a failure unless <paramref name="value"/> of <paramref name="key"/> lies between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public void InRange(int value, int min, int max, string key) =>
        Require(value >= min && value <= max, $"{key} is {value}; it must be between {min} and {max}.");
}
