using Ccd.Runtime.Configuration;
using Microsoft.Extensions.Options;

namespace Ccd.Runtime.Hosting;

/// <summary>The rules of <see cref="CcdOptions"/>, checked when the application runs; each failure names its key.</summary>
internal sealed class CcdOptionsValidation : IValidateOptions<CcdOptions>
{
    public ValidateOptionsResult Validate(string? name, CcdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = new OptionsRules();
        rules.Require(options.Database.CommandTimeoutSeconds is >= 1 and <= 600, "Ccd:Database:CommandTimeoutSeconds must be between 1 and 600.");
        rules.Require(options.Database.ConnectTimeoutSeconds is >= 1 and <= 120, "Ccd:Database:ConnectTimeoutSeconds must be between 1 and 120.");
        rules.Require(options.Database.MaxPoolSize is >= 1 and <= 1000, "Ccd:Database:MaxPoolSize must be between 1 and 1000.");
        rules.Require(options.MaxRequestBodyBytes >= 1024, "Ccd:MaxRequestBodyBytes must be at least 1024.");
        return rules.Result;
    }
}
