using Microsoft.Extensions.Configuration;

namespace Ccd.Runtime.Configuration;

/// <summary>The deployment environment named by <c>APP_ENV</c>.</summary>
public enum AppEnvironment
{
    /// <summary>A developer's machine: embedded database when no URL is set, migrations at start-up, dev tokens.</summary>
    Local,
    /// <summary>A shared development environment: a database URL is required and migrations are applied by command.</summary>
    Dev,
    /// <summary>Automated tests: a database URL is required, migrations at start-up, dev tokens.</summary>
    Test,
    /// <summary>Production.</summary>
    Prod,
}

/// <summary>Reads <c>APP_ENV</c> and the database URL it selects. This is the one place configuration names them.</summary>
internal static class AppEnvironmentSettings
{
    /// <summary>The configuration key (environment variable) naming the environment.</summary>
    public const string AppEnvKey = "APP_ENV";

    /// <summary>Reads <c>APP_ENV</c>; unset means <see cref="AppEnvironment.Local"/>.</summary>
    /// <exception cref="CcdStartupException">The value is not one of LOCAL, DEV, TEST, PROD.</exception>
    public static AppEnvironment Read(IConfiguration configuration)
    {
        var value = configuration[AppEnvKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return AppEnvironment.Local;
        }

        return value.Trim().ToUpperInvariant() switch
        {
            "LOCAL" => AppEnvironment.Local,
            "DEV" => AppEnvironment.Dev,
            "TEST" => AppEnvironment.Test,
            "PROD" => AppEnvironment.Prod,
            _ => throw new CcdStartupException(
                $"{AppEnvKey} is '{value}', which is not one of LOCAL, DEV, TEST, PROD. Set {AppEnvKey} to one of them."),
        };
    }

    /// <summary>The name of the variable holding the database URL for <paramref name="environment"/>, e.g. <c>PROD_DATABASE_URL</c>.</summary>
    public static string DatabaseUrlKey(AppEnvironment environment) => $"{environment.ToString().ToUpperInvariant()}_DATABASE_URL";

    /// <summary>Whether migrations are applied automatically at start-up in <paramref name="environment"/>.</summary>
    public static bool MigratesAtStartup(AppEnvironment environment) =>
        environment is AppEnvironment.Local or AppEnvironment.Test;

    /// <summary>Whether development conveniences (signing key tokens, exception details) are allowed.</summary>
    public static bool IsDevelopmentLike(AppEnvironment environment) =>
        environment is AppEnvironment.Local or AppEnvironment.Test;
}

/// <summary>Start-up cannot continue; the message names the cause and what to set.</summary>
internal sealed class CcdStartupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CcdStartupException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>The environment the process runs in, as a service (resolve it from dependency injection).</summary>
internal sealed class CcdEnvironment
{
    /// <summary>Creates the holder.</summary>
    public CcdEnvironment(AppEnvironment name) => Name = name;

    /// <summary>The environment named by <c>APP_ENV</c>.</summary>
    public AppEnvironment Name { get; }

    /// <summary>True in LOCAL and TEST, where development tokens and automatic migrations are allowed.</summary>
    public bool IsDevelopmentLike => AppEnvironmentSettings.IsDevelopmentLike(Name);
}
