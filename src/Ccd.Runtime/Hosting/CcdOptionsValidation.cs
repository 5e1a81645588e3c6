using Ccd.Runtime.Configuration;
using Microsoft.Extensions.Options;

namespace Ccd.Runtime.Hosting;

/// <summary>The rules of <see cref="CcdOptions"/>, checked when the application runs; each failure names its key.</summary>
internal sealed class CcdOptionsValidation : IValidateOptions<CcdOptions>
{
    public ValidateOptionsResult Validate(string? name, CcdOptions options)
    {
        var failures = new List<string>();
        if (options.Database.CommandTimeoutSeconds is < 1 or > 600)
        {
            failures.Add("Ccd:Database:CommandTimeoutSeconds must be between 1 and 600.");
        }

        if (options.Database.ConnectTimeoutSeconds is < 1 or > 120)
        {
            failures.Add("Ccd:Database:ConnectTimeoutSeconds must be between 1 and 120.");
        }

        if (options.Database.MaxPoolSize is < 1 or > 1000)
        {
            failures.Add("Ccd:Database:MaxPoolSize must be between 1 and 1000.");
        }

        if (options.MaxRequestBodyBytes < 1024)
        {
            failures.Add("Ccd:MaxRequestBodyBytes must be at least 1024.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
