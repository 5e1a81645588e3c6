using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ccd.Runtime.Configuration;

/// <summary>
/// The one options pattern of the runtime: a section bound from configuration (then any <c>Configure</c> a host
/// adds), checked by its <see cref="OptionsRules"/> when the application runs (<c>ValidateOnStart</c>; every command
/// checks too). Nothing throws while registering: a value the binder cannot convert is a failure like any other.
/// </summary>
internal static class CcdOptionsRegistration
{
    /// <summary>
    /// Registers <typeparamref name="T"/> from <paramref name="sectionName"/>, validated at start by
    /// <paramref name="rules"/>; <typeparamref name="T"/> itself resolves to the validated value. Returns the bound
    /// value (not validated; the defaults when the section cannot be bound) for what registration decides, such as
    /// whether a worker runs.
    /// </summary>
    public static T AddCcdOptions<T>(this IServiceCollection services, IConfiguration configuration, string sectionName, Action<T, OptionsRules> rules)
        where T : class, new()
    {
        var section = configuration.GetSection(sectionName);
        var binding = new SectionBinding<T>(section, sectionName, rules);
        services.AddOptions<T>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<T>>(binding);
        services.AddSingleton<IValidateOptions<T>>(binding);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        var bound = new T();
        binding.Configure(bound);
        return bound;
    }

    private sealed class SectionBinding<T>(IConfigurationSection section, string sectionName, Action<T, OptionsRules> rules) : IConfigureOptions<T>, IValidateOptions<T>
        where T : class
    {
        private string? _bindFailure;

        public void Configure(T options)
        {
            try
            {
                section.Bind(options);
            }
            catch (InvalidOperationException exception)
            {
                // The binder names the key ("... at 'Ccd:Retention:MinimumCandidates' to type 'System.Int32'").
                _bindFailure = $"{sectionName} is invalid: {exception.Message}";
            }
        }

        public ValidateOptionsResult Validate(string? name, T options)
        {
            if (_bindFailure is { } failure)
            {
                return ValidateOptionsResult.Fail(failure);
            }

            var check = new OptionsRules();
            rules(options, check);
            return check.Result;
        }
    }
}
